package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.List;

/** Postgres truncates identifiers at 63 bytes; pgEdge caps database names at 31 characters. */
final class DatabaseNameRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        if (Messages.lengthIn(spec.databaseName(), 1, 31)) {
            return List.of();
        }
        return List.of(FieldError.invalid(FieldPath.of("database_name"), Messages.length(1, 31)));
    }
}
