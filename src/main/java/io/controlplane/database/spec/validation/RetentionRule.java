package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.BackupRepositorySpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Full-backup retention is a count or a number of days, as pgBackRest's repo-retention-full takes it. */
final class RetentionRule implements SpecRule {

    static final String RANGE = "must be between 1 and 9999999";
    static final String TYPE = "must be one of: time, count";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (LocatedRepository located : LocatedRepository.all(spec)) {
            if (!(located.repository() instanceof BackupRepositorySpec r)) {
                continue;
            }
            r.retentionFull().filter(v -> v < 1 || v > 9_999_999).ifPresent(v ->
                    errors.add(FieldError.invalid(located.path().field("retention_full"), RANGE)));
            r.retentionFullType().filter(t -> !Set.of("time", "count").contains(t)).ifPresent(t ->
                    errors.add(FieldError.invalid(located.path().field("retention_full_type"), TYPE)));
        }
        return errors;
    }
}
