package io.controlplane.postgres;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.spec.DatabaseUserSpec;
import io.controlplane.patroni.PatroniInstanceConfig;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Administrative SQL on one Postgres server, as the superuser {@code pgedge} with its password. Each call
 * opens its own connection. Failures are mapped by {@link SqlStates}: connection trouble, shutdowns and
 * serialization failures are {@link TransientException}s, a refused login is a {@link PermanentException},
 * a statement the user wrote (a script, a role to grant) that Postgres rejects fails the operation with
 * Postgres' message, and one of our own statements that Postgres rejects is a {@link PermanentException}.
 * Passwords never reach SQL text, exception messages or logs: they are hashed to SCRAM verifiers on
 * this side before they are sent.
 */
public final class PostgresAdmin {

    private static final String ADMIN_DATABASE = "postgres";
    private static final int ADMIN_SOCKET_TIMEOUT_SECONDS = 60;
    private static final int SCRIPT_SOCKET_TIMEOUT_SECONDS = 600;
    private static final int EXCERPT_LENGTH = 80;
    /** E'…' and '…' string literals (doubled quotes and backslash escapes inside) and $tag$…$tag$ bodies. */
    private static final java.util.regex.Pattern LITERALS = java.util.regex.Pattern.compile(
            "[Ee]'(?:[^'\\\\]|\\\\.|'')*'|'(?:[^']|'')*'|(\\$[A-Za-z_]*\\$)(?s:.*?)\\1");

    private final String host;
    private final int port;
    private final String superuserPassword;

    public PostgresAdmin(String host, int port, String superuserPassword) {
        this.host = host;
        this.port = port;
        this.superuserPassword = superuserPassword;
    }

    /**
     * Creates the role, or brings an existing one to the spec: attributes, password (when given; an
     * omitted password keeps the current one) and granted roles. Roles granted earlier and no longer in
     * the spec stay granted.
     *
     * @throws OperationFailedException for an attribute that is not a {@code CREATE ROLE} option (before
     *                                  any SQL runs) or a role to grant that does not exist
     */
    public void ensureRole(DatabaseUserSpec user) {
        RoleAttributes attributes;
        String role;
        List<String> grants = new ArrayList<>();
        try {
            attributes = RoleAttributes.parse(user.attributes());
            role = SqlIdentifiers.quote(user.username());
            for (String granted : user.roles()) {
                grants.add(SqlIdentifiers.quote(granted));
            }
        } catch (IllegalArgumentException e) {
            throw new OperationFailedException("user '" + user.username() + "': " + e.getMessage());
        }
        String what = "ensuring role '" + user.username() + "'";
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS)) {
            c.setAutoCommit(false);
            try {
                if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", user.username())) {
                    execute(c, "CREATE ROLE " + role + attributes.withClause());
                } else if (!attributes.sql().isEmpty()) {
                    execute(c, "ALTER ROLE " + role + attributes.withClause());
                }
                if (user.password().isPresent()) {
                    c.unwrap(PGConnection.class).alterUserPassword(user.username(),
                            user.password().get().toCharArray(), "scram-sha-256");
                }
                for (int i = 0; i < grants.size(); i++) {
                    if (!exists(c, "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
                            + " JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = ? AND u.rolname = ?",
                            user.roles().get(i), user.username())) {
                        execute(c, "GRANT " + grants.get(i) + " TO " + role);
                    }
                }
                c.commit();
            } catch (SQLException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            if ("42710".equals(e.getSQLState())) {
                // created concurrently by another call: the retry takes the ALTER path
                throw new TransientException(what + ": role was created concurrently", e);
            }
            throw translate(e, what, SqlStates.Author.USER);
        }
    }

    /**
     * Creates the database when it is missing (with {@code ownerOrNull} as owner, else the superuser) and
     * gives an existing one to {@code ownerOrNull} when someone else owns it.
     */
    public void ensureDatabase(String name, String ownerOrNull) {
        String database;
        String owner;
        try {
            database = SqlIdentifiers.quote(name);
            owner = ownerOrNull == null ? null : SqlIdentifiers.quote(ownerOrNull);
        } catch (IllegalArgumentException e) {
            throw new OperationFailedException("database '" + name + "': " + e.getMessage());
        }
        String what = "ensuring database '" + name + "'";
        // CREATE DATABASE cannot run inside a transaction: stay in autocommit.
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS)) {
            Optional<String> currentOwner = databaseOwner(c, name);
            if (currentOwner.isEmpty()) {
                try {
                    execute(c, "CREATE DATABASE " + database + (owner == null ? "" : " OWNER " + owner));
                    return;
                } catch (SQLException e) {
                    if (!"42P04".equals(e.getSQLState())) {
                        throw e;
                    }
                    currentOwner = databaseOwner(c, name);
                }
            }
            if (owner != null && !currentOwner.orElseThrow().equals(ownerOrNull)) {
                execute(c, "ALTER DATABASE " + database + " OWNER TO " + owner);
            }
        } catch (SQLException e) {
            throw translate(e, what, SqlStates.Author.USER);
        }
    }

    /**
     * Whether {@code database} holds a table of its own (outside the system, pglogical and DDL replication
     * schemas): a node waiting for its copy holds none, so one that does kept part of an earlier copy.
     */
    public boolean hasUserTables(String database) {
        try (Connection c = connect(database, ADMIN_SOCKET_TIMEOUT_SECONDS)) {
            return exists(c, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema',"
                    + " 'pglogical', 'ddlrep') AND n.nspname NOT LIKE 'pg\\_%' LIMIT 1");
        } catch (SQLException e) {
            throw translate(e, "looking for tables in database '" + database + "'", SqlStates.Author.CONTROL_PLANE);
        }
    }

    /** Drops the database, ending every session in it (a node's copy that has to start over). */
    public void dropDatabase(String name) {
        String database;
        try {
            database = SqlIdentifiers.quote(name);
        } catch (IllegalArgumentException e) {
            throw new OperationFailedException("database '" + name + "': " + e.getMessage());
        }
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS)) {
            execute(c, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException e) {
            throw translate(e, "dropping database '" + name + "'", SqlStates.Author.CONTROL_PLANE);
        }
    }

    /**
     * Runs the statements in one transaction in {@code database}; if one fails, none has any effect.
     *
     * @throws OperationFailedException naming the failed statement's position and Postgres' error
     */
    public void runScript(String database, List<String> statements) {
        if (statements.isEmpty()) {
            return;
        }
        try (Connection c = connect(database, SCRIPT_SOCKET_TIMEOUT_SECONDS)) {
            c.setAutoCommit(false);
            for (int i = 0; i < statements.size(); i++) {
                try {
                    execute(c, statements.get(i));
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    throw translate(e, "script statement " + (i + 1) + " of " + statements.size() + " ("
                            + excerpt(statements.get(i)) + ") in database '" + database + "'", SqlStates.Author.USER);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw translate(e, "running a script in database '" + database + "'", SqlStates.Author.USER);
        }
    }

    /** Whether a database of that name exists (a node restored from a backup has the source's name). */
    public boolean databaseExists(String name) {
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS)) {
            return databaseOwner(c, name).isPresent();
        } catch (SQLException e) {
            throw translate(e, "looking up database '" + name + "'", SqlStates.Author.CONTROL_PLANE);
        }
    }

    /**
     * Runs one statement of an operator's process on its own, outside a transaction block (so that
     * {@code VACUUM} and the like work) in {@code database}.
     *
     * @throws OperationFailedException naming the statement and Postgres' error
     */
    public void runStatement(String database, String statement) {
        try (Connection c = connect(database, SCRIPT_SOCKET_TIMEOUT_SECONDS)) {
            c.setAutoCommit(true);
            execute(c, statement);
        } catch (SQLException e) {
            throw translate(e, "statement (" + excerpt(statement) + ") in database '" + database + "'",
                    SqlStates.Author.USER);
        }
    }

    /** The value as {@code SHOW} gives it, with its unit ({@code 128MB}). */
    public String setting(String name) {
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS);
                PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw translate(e, "reading setting '" + name + "'", SqlStates.Author.CONTROL_PLANE);
        }
    }

    /** {@code pg_settings.setting} of each known name, in base units ({@code 16384} for 128MB of 8 kB). */
    public Map<String, String> settings(Collection<String> names) {
        Map<String, String> values = new TreeMap<>();
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT name, setting FROM pg_settings WHERE name = ANY(?)")) {
            Array array = c.createArrayOf("text", names.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw translate(e, "reading settings", SqlStates.Author.CONTROL_PLANE);
        }
        return values;
    }

    public boolean isInRecovery() {
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw translate(e, "checking recovery", SqlStates.Author.CONTROL_PLANE);
        }
    }

    /** Who streams from this server: Patroni replicas and logical replication subscribers. */
    public List<ReplicationPeer> replicationPeers() {
        List<ReplicationPeer> peers = new ArrayList<>();
        try (Connection c = connect(ADMIN_DATABASE, ADMIN_SOCKET_TIMEOUT_SECONDS);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(usename, ''), coalesce(application_name, ''),"
                        + " coalesce(state, '') FROM pg_stat_replication ORDER BY application_name")) {
            while (rs.next()) {
                peers.add(new ReplicationPeer(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw translate(e, "reading pg_stat_replication", SqlStates.Author.CONTROL_PLANE);
        }
        return peers;
    }

    /** Work on one open connection; {@link SQLException}s are mapped by {@link #inDatabase}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on a fresh connection to {@code database} (autocommit on) and closes it. A failure
     * is one of our own statements failing: transient by its SQLSTATE, else permanent. The message names
     * {@code what} and Postgres' error, never the statement text.
     */
    public <T> T inDatabase(String database, String what, SqlWork<T> work) {
        try (Connection c = connect(database, SCRIPT_SOCKET_TIMEOUT_SECONDS)) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e, what, SqlStates.Author.CONTROL_PLANE);
        }
    }

    @Override
    public String toString() {
        return "PostgresAdmin[" + PatroniInstanceConfig.SUPERUSER + "@" + host + ":" + port + "]";
    }

    private Connection connect(String database, int socketTimeoutSeconds) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", PatroniInstanceConfig.SUPERUSER);
        props.setProperty("password", superuserPassword);
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        props.setProperty("ApplicationName", "control-plane");
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        return DriverManager.getConnection("jdbc:postgresql://" + hostPart + ":" + port + "/"
                + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8), props);
    }

    private static Optional<String> databaseOwner(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
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

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is gone; the server rolls back by itself
        }
    }

    /** Our exception type for {@code e}, by its SQLSTATE and who wrote the statement ({@link SqlStates}). */
    private RuntimeException translate(SQLException e, String what, SqlStates.Author author) {
        String message = what + " on " + host + ":" + port + " failed: " + describe(e);
        return switch (SqlStates.failureKind(e.getSQLState(), author)) {
            case TRANSIENT -> new TransientException(message, e);
            case PERMANENT -> new PermanentException(message, e);
            case OPERATION_FAILED -> new OperationFailedException(message, e);
        };
    }

    /**
     * The statement as a failure names it: its start, with every string literal and dollar-quoted body
     * replaced by {@code '…'} (a script may set a password) and whitespace collapsed.
     */
    static String excerpt(String statement) {
        String masked = LITERALS.matcher(statement).replaceAll("'…'").replaceAll("\\s+", " ").strip();
        return masked.length() <= EXCERPT_LENGTH ? masked : masked.substring(0, EXCERPT_LENGTH) + "…";
    }

    /** Postgres' own primary message and where in the statement it is, without the statement text. */
    private static String describe(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            String at = m.getPosition() > 0 ? " at character " + m.getPosition() : "";
            return m.getSeverity() + ": " + m.getMessage() + at + " (SQLSTATE " + m.getSQLState() + ")";
        }
        return e.getMessage() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
    }
}
