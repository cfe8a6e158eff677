package io.controlplane.common;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identifier rule pgEdge uses for cluster, host, database, tenant, service and repository ids.
 */
public final class Identifiers {

    /** The exact message pgEdge returns for an invalid identifier. */
    public static final String INVALID_MESSAGE =
            "valid IDs must be 1-36 characters long, contain only lowercase letters, digits, and hyphens,"
                    + " start and end with a letter or digit, and not contain two consecutive hyphens";

    private static final Pattern PATTERN = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{0,34}[a-z0-9])?$");

    private Identifiers() {
    }

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches() && !id.contains("--");
    }

    /** Returns the reason the id is invalid, or empty when it is valid. */
    public static Optional<String> problem(String id) {
        return isValid(id) ? Optional.empty() : Optional.of(INVALID_MESSAGE);
    }
}
