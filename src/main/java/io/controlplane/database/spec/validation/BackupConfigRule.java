package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.BackupConfigSpec;
import io.controlplane.database.spec.BackupScheduleSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A backup config needs somewhere to write (at least one repository) and at most 32 schedules, each
 * with an id (part of the scheduler job id), a pgBackRest type, and a cron expression.
 */
final class BackupConfigRule implements SpecRule {

    static final String NO_REPOSITORY = "must have at least one repository";
    static final String SCHEDULE_TYPE = "must be one of: full, incr";
    static final String CRON_PREFIX = "invalid cron expression: ";
    private static final Set<String> TYPES = Set.of("full", "incr");

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.backupConfig().ifPresent(c -> check(c, scope.path().field("backup_config"), errors));
        }
        return errors;
    }

    private static void check(BackupConfigSpec config, FieldPath path, List<FieldError> errors) {
        if (config.repositories().isEmpty()) {
            errors.add(FieldError.invalid(path.field("repositories"), NO_REPOSITORY));
        }
        FieldPath schedules = path.field("schedules");
        if (config.schedules().size() > 32) {
            errors.add(FieldError.invalid(schedules, Messages.atMost(32, "schedules")));
        }
        for (int i = 0; i < config.schedules().size(); i++) {
            BackupScheduleSpec s = config.schedules().get(i);
            FieldPath p = schedules.index(i);
            if (!Messages.lengthIn(s.id(), 1, 64)) {
                errors.add(FieldError.invalid(p.field("id"), Messages.length(1, 64)));
            }
            if (!TYPES.contains(s.type())) {
                errors.add(FieldError.invalid(p.field("type"), SCHEDULE_TYPE));
            }
            if (!Messages.lengthIn(s.cronExpression(), 0, 32)) {
                errors.add(FieldError.invalid(p.field("cron_expression"), Messages.length(0, 32)));
            } else {
                CronExpression.problem(s.cronExpression()).ifPresent(problem ->
                        errors.add(FieldError.invalid(p.field("cron_expression"), CRON_PREFIX + problem)));
            }
        }
    }
}
