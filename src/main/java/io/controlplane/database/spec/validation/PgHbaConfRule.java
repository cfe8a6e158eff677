package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/** Postgres drops a whole pg_hba.conf with one bad line on reload, locking everyone out. */
final class PgHbaConfRule implements SpecRule {

    static final String PREFIX = "invalid pg_hba entry: ";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            FieldPath path = scope.path().field("pg_hba_conf");
            for (int i = 0; i < scope.pgHbaConf().size(); i++) {
                FieldPath linePath = path.index(i);
                PgHbaLine.problem(scope.pgHbaConf().get(i))
                        .ifPresent(p -> errors.add(FieldError.invalid(linePath, PREFIX + p)));
            }
        }
        return errors;
    }
}
