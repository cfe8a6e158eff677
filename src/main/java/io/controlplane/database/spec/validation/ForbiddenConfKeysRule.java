package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The control plane writes pg_hba and pg_ident itself; pointing Postgres elsewhere would bypass it. */
final class ForbiddenConfKeysRule implements SpecRule {

    static final Set<String> FORBIDDEN = Set.of("hba_file", "ident_file");

    static String message(String key) {
        return key + " is managed by the control plane and cannot be set";
    }

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            FieldPath conf = scope.path().field("postgresql_conf");
            scope.postgresqlConf().keySet().stream().filter(FORBIDDEN::contains)
                    .forEach(k -> errors.add(FieldError.invalid(conf.key(k), message(k))));
        }
        return errors;
    }
}
