package io.controlplane.postgres;

import java.nio.charset.StandardCharsets;

/** Quoting of names that go into DDL, where JDBC cannot bind parameters. */
final class SqlIdentifiers {

    /** NAMEDATALEN - 1: longer names would be silently truncated by Postgres. */
    static final int MAX_BYTES = 63;

    private SqlIdentifiers() {
    }

    static String quote(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a name must not be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a name must not contain NUL characters");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("name '" + name + "' is longer than " + MAX_BYTES + " bytes");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
