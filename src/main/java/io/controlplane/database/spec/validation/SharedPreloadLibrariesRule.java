package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.ConfValue;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replication needs pglogical loaded at start (pgEdge requires spock here; we replicate with
 * pglogical). A user who overrides the list must keep it in.
 */
final class SharedPreloadLibrariesRule implements SpecRule {

    static final String KEY = "shared_preload_libraries";
    static final String MESSAGE = "shared_preload_libraries must be a string that includes pglogical";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            ConfValue value = scope.postgresqlConf().get(KEY);
            if (value != null && !includesPglogical(value)) {
                errors.add(FieldError.invalid(scope.path().field("postgresql_conf").key(KEY), MESSAGE));
            }
        }
        return errors;
    }

    private static boolean includesPglogical(ConfValue value) {
        if (!(value instanceof ConfValue.Text text)) {
            return false;
        }
        return Arrays.stream(text.value().split(","))
                .map(s -> s.trim().replace("\"", "").replace("'", ""))
                .anyMatch("pglogical"::equals);
    }
}
