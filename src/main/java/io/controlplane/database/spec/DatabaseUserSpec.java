package io.controlplane.database.spec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A role created on every node; the password may be omitted on update to keep the current one. */
public record DatabaseUserSpec(
        String username,
        String passwordOrNull,
        boolean dbOwner,
        List<String> attributes,
        List<String> roles) {

    public DatabaseUserSpec {
        Objects.requireNonNull(username, "username");
        attributes = Collections2.list(attributes);
        roles = Collections2.list(roles);
    }

    public Optional<String> password() {
        return Optional.ofNullable(passwordOrNull);
    }

    DatabaseUserSpec withPassword(String password) {
        return new DatabaseUserSpec(username, password, dbOwner, attributes, roles);
    }

    @Override
    public String toString() {
        // Never let a password reach a log line through toString.
        return "DatabaseUserSpec[username=" + username + ", password=" + (passwordOrNull == null ? "<none>" : "***")
                + ", dbOwner=" + dbOwner + ", attributes=" + attributes + ", roles=" + roles + "]";
    }
}
