package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/** A malformed user-name map line is skipped by Postgres with only a log line; refuse it up front. */
final class PgIdentConfRule implements SpecRule {

    static final String PREFIX = "invalid pg_ident entry: ";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            FieldPath path = scope.path().field("pg_ident_conf");
            for (int i = 0; i < scope.pgIdentConf().size(); i++) {
                FieldPath linePath = path.index(i);
                PgIdentLine.problem(scope.pgIdentConf().get(i))
                        .ifPresent(p -> errors.add(FieldError.invalid(linePath, PREFIX + p)));
            }
        }
        return errors;
    }
}
