package io.controlplane.replication;

import io.controlplane.patroni.PatroniInstanceConfig;
import io.controlplane.postgres.PostgresAdmin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Copies the roles of a node to a new node, as {@code pg_dumpall --roles-only} would: every role the
 * source has and the target lacks, with its attributes, its password (the stored verifier, never the
 * password itself) and its memberships. Roles are global objects, so the copy of the database leaves
 * them out, and the roles {@code post_init} created must exist before the users are granted them and
 * before the copied objects get their owners. System roles (pgedge, patroni_replicator, {@code pg_*}) are
 * left alone; roles the target already has keep what they have.
 */
@Component
public class NodeRoles {

    private static final String DATABASE = "postgres";

    /** What {@link #copy} did. */
    public record Copied(List<String> roles, List<String> grants) {
    }

    private record Role(String name, boolean superuser, boolean inherit, boolean createRole, boolean createDb,
                        boolean login, boolean replication, boolean bypassRls, int connectionLimit,
                        String verifierOrNull, String validUntilOrNull) {
    }

    private record Membership(String role, String member, boolean adminOption) {
    }

    public Copied copy(PostgresAdmin source, PostgresAdmin target) {
        List<Role> roles = new ArrayList<>();
        List<Membership> memberships = new ArrayList<>();
        source.inDatabase(DATABASE, "reading the roles to copy", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT rolname, rolsuper, rolinherit, rolcreaterole,"
                    + " rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, rolpassword,"
                    + " rolvaliduntil::text FROM pg_authid WHERE oid >= 16384 AND rolname NOT LIKE 'pg\\_%'"
                    + " AND rolname NOT IN (?, ?) ORDER BY rolname")) {
                ps.setString(1, PatroniInstanceConfig.SUPERUSER);
                ps.setString(2, PatroniInstanceConfig.REPLICATION_USER);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        roles.add(new Role(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4),
                                rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8), rs.getInt(9),
                                rs.getString(10), rs.getString(11)));
                    }
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT r.rolname, m.rolname,"
                    + " am.admin_option FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid"
                    + " JOIN pg_roles m ON m.oid = am.member WHERE r.rolname NOT LIKE 'pg\\_%'"
                    + " OR m.rolname NOT LIKE 'pg\\_%' ORDER BY 1, 2")) {
                while (rs.next()) {
                    memberships.add(new Membership(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
            return null;
        });
        return target.inDatabase(DATABASE, "creating the copied roles", c -> {
            c.setAutoCommit(false);
            try {
                Copied copied = apply(c, roles, memberships);
                c.commit();
                return copied;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    private static Copied apply(Connection c, List<Role> roles, List<Membership> memberships) throws SQLException {
        List<String> created = new ArrayList<>();
        for (Role role : roles) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role.name())) {
                execute(c, "CREATE ROLE " + identifier(role.name()) + " WITH " + attributes(role));
                created.add(role.name());
            }
        }
        List<String> granted = new ArrayList<>();
        for (Membership m : memberships) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", m.role())
                    || !exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", m.member())) {
                continue;
            }
            if (!exists(c, "SELECT 1 FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles u"
                    + " ON u.oid = am.member WHERE r.rolname = ? AND u.rolname = ?", m.role(), m.member())) {
                execute(c, "GRANT " + identifier(m.role()) + " TO " + identifier(m.member())
                        + (m.adminOption() ? " WITH ADMIN OPTION" : ""));
                granted.add(m.role() + " to " + m.member());
            }
        }
        return new Copied(created, granted);
    }

    /** The role's attributes as {@code CREATE ROLE} options; the password as the source stored it. */
    private static String attributes(Role r) {
        Map<String, Boolean> flags = new LinkedHashMap<>();
        flags.put("SUPERUSER", r.superuser());
        flags.put("INHERIT", r.inherit());
        flags.put("CREATEROLE", r.createRole());
        flags.put("CREATEDB", r.createDb());
        flags.put("LOGIN", r.login());
        flags.put("REPLICATION", r.replication());
        flags.put("BYPASSRLS", r.bypassRls());
        StringBuilder sql = new StringBuilder();
        flags.forEach((name, on) -> sql.append(on ? "" : "NO").append(name).append(' '));
        sql.append("CONNECTION LIMIT ").append(r.connectionLimit());
        if (r.verifierOrNull() != null) {
            // a SCRAM or md5 verifier is stored as given, so the login works with the same password
            sql.append(" PASSWORD ").append(literal(r.verifierOrNull()));
        }
        if (r.validUntilOrNull() != null) {
            sql.append(" VALID UNTIL ").append(literal(r.validUntilOrNull()));
        }
        return sql.toString();
    }

    private static boolean exists(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
