package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A role exists once per cluster; two entries for it would fight over its password and grants. */
final class UniqueUsernamesRule implements SpecRule {

    static final String MESSAGE = "usernames must be unique within a database";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.databaseUsers().size(); i++) {
            if (!seen.add(spec.databaseUsers().get(i).username())) {
                errors.add(FieldError.invalid(FieldPath.of("database_users").index(i).field("username"), MESSAGE));
            }
        }
        return errors;
    }
}
