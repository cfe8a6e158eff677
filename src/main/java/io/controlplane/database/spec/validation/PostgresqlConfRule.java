package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.ConfValue;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** At most 64 settings per level; more is a sign of a config dump, not an override. */
final class PostgresqlConfRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            Map<String, ConfValue> conf = scope.postgresqlConf();
            if (conf.size() > 64) {
                errors.add(FieldError.invalid(scope.path().field("postgresql_conf"), Messages.atMost(64, "settings")));
            }
        }
        return errors;
    }
}
