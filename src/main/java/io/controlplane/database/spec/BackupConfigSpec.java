package io.controlplane.database.spec;

import java.util.List;
import java.util.function.UnaryOperator;

/** Where and when a node is backed up; a node-level config replaces the database-level one whole. */
public record BackupConfigSpec(List<BackupRepositorySpec> repositories, List<BackupScheduleSpec> schedules) {

    public BackupConfigSpec {
        repositories = Collections2.list(repositories);
        schedules = Collections2.list(schedules);
    }

    BackupConfigSpec mapRepositories(UnaryOperator<BackupRepositorySpec> f) {
        return new BackupConfigSpec(repositories.stream().map(f).toList(), schedules);
    }
}
