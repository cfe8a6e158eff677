package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.DatabaseUserSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/** Limits and non-empty values of users: at most 16 users, 16 attributes and 16 roles each. */
final class DatabaseUsersRule implements SpecRule {

    static final String EMPTY = "must not be empty";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        FieldPath users = FieldPath.of("database_users");
        if (spec.databaseUsers().size() > 16) {
            errors.add(FieldError.invalid(users, Messages.atMost(16, "users")));
        }
        for (int i = 0; i < spec.databaseUsers().size(); i++) {
            DatabaseUserSpec user = spec.databaseUsers().get(i);
            FieldPath path = users.index(i);
            if (user.username().isEmpty()) {
                errors.add(FieldError.invalid(path.field("username"), EMPTY));
            }
            // An empty password would be taken for "keep the current one" on the next update.
            if (user.password().filter(String::isEmpty).isPresent()) {
                errors.add(FieldError.invalid(path.field("password"), EMPTY));
            }
            if (user.attributes().size() > 16) {
                errors.add(FieldError.invalid(path.field("attributes"), Messages.atMost(16, "attributes")));
            }
            if (user.roles().size() > 16) {
                errors.add(FieldError.invalid(path.field("roles"), Messages.atMost(16, "roles")));
            }
        }
        return errors;
    }
}
