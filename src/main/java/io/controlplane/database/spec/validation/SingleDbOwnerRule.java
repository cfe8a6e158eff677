package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/** A database has exactly one owner role; every owner after the first is reported. */
final class SingleDbOwnerRule implements SpecRule {

    static final String MESSAGE = "only one user can be the database owner";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        boolean seen = false;
        for (int i = 0; i < spec.databaseUsers().size(); i++) {
            if (spec.databaseUsers().get(i).dbOwner()) {
                if (seen) {
                    errors.add(FieldError.invalid(FieldPath.of("database_users").index(i).field("db_owner"), MESSAGE));
                }
                seen = true;
            }
        }
        return errors;
    }
}
