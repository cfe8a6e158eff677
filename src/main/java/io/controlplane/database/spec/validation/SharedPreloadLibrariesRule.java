package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.ConfValue;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replication needs its library loaded at start. pgEdge requires {@code spock} here; we replicate with
 * pglogical and load it wherever a spec names {@code spock} (the Patroni config maps one to the other),
 * so a list that a pgEdge client accepts is accepted here, and so is one naming pglogical itself. The
 * list may be a string ({@code "pg_stat_statements,spock"}) or an array of strings.
 */
final class SharedPreloadLibrariesRule implements SpecRule {

    static final String KEY = "shared_preload_libraries";
    static final String MESSAGE = "shared_preload_libraries must include spock (loaded as pglogical here)"
            + " or pglogical";
    private static final List<String> REPLICATION_LIBRARIES = List.of("spock", "pglogical");

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            ConfValue value = scope.postgresqlConf().get(KEY);
            if (value != null && !includesReplicationLibrary(value)) {
                errors.add(FieldError.invalid(scope.path().field("postgresql_conf").key(KEY), MESSAGE));
            }
        }
        return errors;
    }

    private static boolean includesReplicationLibrary(ConfValue value) {
        Stream<String> names;
        if (value instanceof ConfValue.Text text) {
            names = Arrays.stream(text.value().split(","));
        } else if (value instanceof ConfValue.Items items) {
            names = items.values().stream();
        } else {
            return false;
        }
        return names.map(s -> s.trim().replace("\"", "").replace("'", "")).anyMatch(REPLICATION_LIBRARIES::contains);
    }
}
