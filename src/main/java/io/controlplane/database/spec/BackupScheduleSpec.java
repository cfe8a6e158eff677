package io.controlplane.database.spec;

import java.util.Objects;

/** A recurring backup; {@code cron_expression} is a standard 5-field expression evaluated in UTC. */
public record BackupScheduleSpec(String id, String type, String cronExpression) {

    public BackupScheduleSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(cronExpression, "cronExpression");
    }
}
