package io.controlplane.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user-supplied {@code attributes} of a role, checked against the fixed option keywords of
 * {@code CREATE ROLE}. The SQL is rebuilt from our own keywords, never from the user's text.
 */
public record RoleAttributes(List<String> sql) {

    private static final Set<String> FLAGS = Set.of("SUPERUSER", "CREATEDB", "CREATEROLE", "INHERIT", "LOGIN",
            "REPLICATION", "BYPASSRLS");
    private static final Pattern CONNECTION_LIMIT = Pattern.compile("CONNECTION LIMIT (-?[0-9]{1,9})");

    public RoleAttributes {
        sql = List.copyOf(sql);
    }

    /**
     * @throws IllegalArgumentException naming the first attribute that is not a {@code CREATE ROLE} option,
     *                                  or two that contradict each other
     */
    public static RoleAttributes parse(List<String> attributes) {
        // keyed by option, so LOGIN and NOLOGIN (or two connection limits) collide
        Map<String, String> byOption = new LinkedHashMap<>();
        for (String raw : attributes) {
            String attribute = raw == null ? "" : raw.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            String option;
            String sql;
            Matcher limit = CONNECTION_LIMIT.matcher(attribute);
            if (limit.matches()) {
                int n = Integer.parseInt(limit.group(1));
                if (n < -1) {
                    throw new IllegalArgumentException("invalid role attribute '" + raw
                            + "': the connection limit must be -1 or more");
                }
                option = "CONNECTION LIMIT";
                sql = "CONNECTION LIMIT " + n;
            } else if (FLAGS.contains(attribute)) {
                option = attribute;
                sql = attribute;
            } else if (attribute.startsWith("NO") && FLAGS.contains(attribute.substring(2))) {
                option = attribute.substring(2);
                sql = attribute;
            } else {
                throw new IllegalArgumentException("invalid role attribute '" + raw + "': must be one of "
                        + "SUPERUSER, CREATEDB, CREATEROLE, INHERIT, LOGIN, REPLICATION, BYPASSRLS (or their NO"
                        + " forms) or CONNECTION LIMIT <n>");
            }
            String previous = byOption.put(option, sql);
            if (previous != null && !previous.equals(sql)) {
                throw new IllegalArgumentException("conflicting role attributes '" + previous + "' and '" + sql + "'");
            }
        }
        return new RoleAttributes(new ArrayList<>(byOption.values()));
    }

    /** {@code " WITH LOGIN CREATEDB"}, or empty when there are no attributes. */
    String withClause() {
        return sql.isEmpty() ? "" : " WITH " + String.join(" ", sql);
    }
}
