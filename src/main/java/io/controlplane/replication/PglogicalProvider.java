package io.controlplane.replication;

import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@link ReplicationProvider} with pglogical 2.4 in the topology pgEdge uses with Spock: one subscription
 * per ordered pair of nodes, {@code forward_origins = '{}'} (a node sends only what was written on it, so
 * nothing loops), replication sets {@code default}, {@code default_insert_only} and {@code ddl_sql}, and
 * {@code pglogical.conflict_resolution = last_update_wins} in the server configuration.
 *
 * <p>Slots are created here, not by pglogical, so they can be Patroni permanent slots that survive a
 * failover: {@link #subscribe} creates the subscription already "synchronized" (pglogical's
 * {@code local_sync_status} says ready, as pglogical's own {@code pglogical_create_subscriber} leaves it),
 * with the replication origin at the slot's position, so pglogical never drops or re-creates the slot.
 * Every session sets {@code ddlrep.enabled = off} so that nothing the control plane runs is replicated as
 * DDL.
 */
@Component
public class PglogicalProvider implements ReplicationProvider {

    static final String EXTENSION = "pglogical";
    static final String PLUGIN = "pglogical_output";
    /** Bumped with every change of the DDL replication script; the schema comment says what is installed. */
    static final String DDL_REPLICATION_VERSION = "control plane DDL replication 1";
    private static final String DDL_SCRIPT = "/io/controlplane/replication/ddl-replication.sql";
    private static final String SETS = "'{default,default_insert_only,ddl_sql}'";

    @Override
    public void ensureNode(ReplicationNode node, String dsn) {
        sql(node, "creating replication node " + node.name(), c -> {
            execute(c, "CREATE EXTENSION IF NOT EXISTS " + EXTENSION);
            try (PreparedStatement ps = c.prepareStatement("SELECT n.node_name, i.if_id, i.if_dsn FROM pglogical.local_node l"
                    + " JOIN pglogical.node n ON n.node_id = l.node_id"
                    + " JOIN pglogical.node_interface i ON i.if_id = l.node_local_interface");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (!rs.getString(1).equals(node.name())) {
                        throw new PermanentException("database " + node.database() + " of node " + node.name()
                                + " already is replication node " + rs.getString(1));
                    }
                    if (!rs.getString(3).equals(dsn)) {
                        // pglogical has no function for the local interface; the row is all there is to it
                        try (PreparedStatement u = c.prepareStatement(
                                "UPDATE pglogical.node_interface SET if_dsn = ? WHERE if_id = ?")) {
                            u.setString(1, dsn);
                            u.setLong(2, rs.getLong(2));
                            u.executeUpdate();
                        }
                    }
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pglogical.create_node(node_name := ?, dsn := ?)")) {
                ps.setString(1, node.name());
                ps.setString(2, dsn);
                ps.execute();
            }
            return null;
        });
    }

    @Override
    public int installDdlReplication(ReplicationNode node) {
        return sql(node, "installing DDL replication on node " + node.name(), c -> {
            if (!DDL_REPLICATION_VERSION.equals(queryString(c,
                    "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'ddlrep'"))) {
                c.setAutoCommit(false);
                try {
                    execute(c, ddlScript());
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
            // tables created before the triggers (post_database_create, a restored copy) join their set now
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(ddlrep.sync_repset(c.oid)) FROM pg_class c"
                            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'"
                            + " AND n.nspname NOT IN ('pglogical', 'ddlrep', 'information_schema')"
                            + " AND n.nspname NOT LIKE 'pg\\_%'"
                            + " AND NOT EXISTS (SELECT 1 FROM pglogical.replication_set_table t WHERE t.set_reloid = c.oid)")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public String slotName(ReplicationNode provider, String subscriberNode) {
        String subscription = ReplicationNames.subscription(provider.name(), subscriberNode);
        return sql(provider, "naming the slot of " + subscription, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pglogical.pglogical_gen_slot_name(?, ?, ?)")) {
                ps.setString(1, provider.database());
                ps.setString(2, provider.name());
                ps.setString(3, subscription);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    @Override
    public Optional<Slot> slot(ReplicationNode provider, String slotName) {
        return sql(provider, "reading slot " + slotName, c -> readSlot(c, slotName));
    }

    @Override
    public Slot ensureSlot(ReplicationNode provider, String slotName) {
        return sql(provider, "creating slot " + slotName, c -> {
            Optional<Slot> existing = readSlot(c, slotName);
            if (existing.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_create_logical_replication_slot(?, '" + PLUGIN + "')")) {
                    ps.setString(1, slotName);
                    ps.execute();
                } catch (SQLException e) {
                    // Patroni creates permanent slots too; whoever came first made it
                    if (!"42710".equals(e.getSQLState())) {
                        throw e;
                    }
                }
                existing = readSlot(c, slotName);
            }
            // a slot Patroni is still creating has no confirmed position yet (its snapshot is being built)
            for (int attempt = 0; attempt < 120 && existing.filter(sl -> sl.confirmedFlushLsn().isEmpty()).isPresent();
                 attempt++) {
                pause(250);
                existing = readSlot(c, slotName);
            }
            Slot slot = existing.orElseThrow(() -> new TransientException("slot " + slotName + " vanished right after"
                    + " it was created"));
            if (slot.confirmedFlushLsn().isEmpty()) {
                throw new TransientException("slot " + slotName + " on node " + provider.name()
                        + " is still being created (no confirmed position after 30 s)");
            }
            if (!PLUGIN.equals(slot.plugin()) || !provider.database().equals(slot.database())) {
                throw new PermanentException("slot " + slotName + " on node " + provider.name() + " is for plugin "
                        + slot.plugin() + " in database " + slot.database() + ", not for " + PLUGIN + " in "
                        + provider.database());
            }
            return slot;
        });
    }

    @Override
    public boolean dropSlot(ReplicationNode provider, String slotName) {
        return sql(provider, "dropping slot " + slotName, c -> {
            for (int attempt = 0; attempt < 20; attempt++) {
                Optional<Slot> slot = readSlot(c, slotName);
                if (slot.isEmpty()) {
                    return attempt > 0;
                }
                if (slot.get().active()) {
                    // a subscriber of a node that is going away still streams from it
                    execute(c, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = "
                            + literal(slotName) + " AND active_pid IS NOT NULL");
                    pause(250);
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, slotName);
                    ps.execute();
                    return true;
                } catch (SQLException e) {
                    // 42704: dropped meanwhile (Patroni); 55006: taken again by a reconnecting subscriber
                    if ("42704".equals(e.getSQLState())) {
                        return true;
                    }
                    if (!"55006".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            throw new TransientException("slot " + slotName + " on node " + provider.name() + " stays in use");
        });
    }

    @Override
    public List<Subscription> subscriptions(ReplicationNode subscriber) {
        return sql(subscriber, "reading the subscriptions of node " + subscriber.name(), c -> {
            List<Subscription> result = new ArrayList<>();
            if (!installed(c)) {
                return result;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT s.sub_name, n.node_name, s.sub_enabled, coalesce(st.status, 'unknown'), l.sync_status,"
                            + " s.sub_slot_name FROM pglogical.subscription s"
                            + " JOIN pglogical.node n ON n.node_id = s.sub_origin"
                            + " LEFT JOIN pglogical.show_subscription_status() st ON st.subscription_name = s.sub_name"
                            + " LEFT JOIN pglogical.local_sync_status l ON l.sync_subid = s.sub_id"
                            + " AND l.sync_nspname IS NULL AND l.sync_relname IS NULL ORDER BY s.sub_name")) {
                while (rs.next()) {
                    result.add(new Subscription(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                            CopyState.ofPglogical(rs.getString(5)), rs.getString(6)));
                }
            }
            return result;
        });
    }

    @Override
    public void subscribe(ReplicationNode subscriber, String providerNode, String providerDsn, String slotName,
                          String startLsn, boolean enabled) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        sql(subscriber, "creating subscription " + name, c -> {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT pglogical.create_subscription("
                        + "subscription_name := ?, provider_dsn := ?, replication_sets := " + SETS + ","
                        + " synchronize_structure := false, synchronize_data := false, forward_origins := '{}')")) {
                    ps.setString(1, name);
                    ps.setString(2, providerDsn);
                    ps.execute();
                }
                String pglogicalSlot = subscriptionSlot(c, name);
                if (!pglogicalSlot.equals(slotName)) {
                    throw new PermanentException("subscription " + name + " would use slot " + pglogicalSlot
                            + ", not the slot " + slotName + " created for it");
                }
                // Not started before its catalog is complete: disabled, "synchronized", origin at the slot.
                prepared(c, "SELECT pglogical.alter_subscription_disable(?, false)", name);
                try (PreparedStatement ps = c.prepareStatement("UPDATE pglogical.local_sync_status SET sync_status = 'r',"
                        + " sync_statuslsn = ?::pg_lsn WHERE sync_nspname IS NULL AND sync_relname IS NULL"
                        + " AND sync_subid = (SELECT sub_id FROM pglogical.subscription WHERE sub_name = ?)")) {
                    ps.setString(1, startLsn);
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
                prepared(c, "SELECT pg_replication_origin_create(?) WHERE NOT EXISTS"
                        + " (SELECT 1 FROM pg_replication_origin WHERE roname = ?)", slotName, slotName);
                prepared(c, "SELECT pg_replication_origin_advance(?, ?::pg_lsn)", slotName, startLsn);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            if (enabled) {
                prepared(c, "SELECT pglogical.alter_subscription_enable(?, true)", name);
            }
            return null;
        });
    }

    @Override
    public void subscribeWithCopy(ReplicationNode subscriber, String providerNode, String providerDsn) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        sql(subscriber, "creating subscription " + name + " with a copy of node " + providerNode, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pglogical.create_subscription("
                    + "subscription_name := ?, provider_dsn := ?, replication_sets := " + SETS + ","
                    + " synchronize_structure := true, synchronize_data := true, forward_origins := '{}')")) {
                ps.setString(1, name);
                ps.setString(2, providerDsn);
                ps.execute();
            }
            return null;
        });
    }

    @Override
    public void setEnabled(ReplicationNode subscriber, String providerNode, boolean enabled) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        sql(subscriber, (enabled ? "enabling" : "disabling") + " subscription " + name, c -> {
            prepared(c, "SELECT pglogical.alter_subscription_" + (enabled ? "enable" : "disable") + "(?, true)"
                    + " FROM pglogical.subscription WHERE sub_name = ? AND sub_enabled = " + !enabled, name, name);
            return null;
        });
    }

    @Override
    public void restart(ReplicationNode subscriber, String providerNode) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        sql(subscriber, "restarting subscription " + name, c -> {
            prepared(c, "SELECT pglogical.alter_subscription_disable(?, true)", name);
            prepared(c, "SELECT pglogical.alter_subscription_enable(?, true)", name);
            return null;
        });
    }

    @Override
    public boolean applying(ReplicationNode subscriber, String providerNode) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        return sql(subscriber, "looking for the apply process of " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity a,"
                    + " pglogical.subscription s WHERE s.sub_name = ? AND a.backend_type = 'pglogical apply '"
                    + " || (SELECT oid FROM pg_database WHERE datname = current_database()) || ':' || s.sub_id")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) > 0;
                }
            }
        });
    }

    @Override
    public String appliedUpTo(ReplicationNode subscriber, String providerNode) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        return sql(subscriber, "reading the progress of " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(pg_replication_origin_progress("
                    + "s.sub_slot_name, false), '0/0')::text FROM pglogical.subscription s WHERE s.sub_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new TransientException("node " + subscriber.name() + " has no subscription " + name);
                    }
                    return rs.getString(1);
                }
            }
        });
    }

    @Override
    public boolean updateProviderDsn(ReplicationNode subscriber, String providerNode, String providerDsn) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        return sql(subscriber, "updating the provider connection of " + name, c -> {
            String current = null;
            String currentInterface = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT i.if_dsn, i.if_name FROM pglogical.subscription s"
                    + " JOIN pglogical.node_interface i ON i.if_id = s.sub_origin_if WHERE s.sub_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new TransientException("node " + subscriber.name() + " has no subscription " + name);
                    }
                    current = rs.getString(1);
                    currentInterface = rs.getString(2);
                }
            }
            if (current.equals(providerDsn)) {
                return false;
            }
            String interfaceName = providerNode + "_" + shortHash(providerDsn);
            prepared(c, "SELECT pglogical.alter_node_add_interface(?, ?, ?) WHERE NOT EXISTS (SELECT 1 FROM"
                    + " pglogical.node_interface i JOIN pglogical.node n ON n.node_id = i.if_nodeid"
                    + " WHERE n.node_name = ? AND i.if_name = ?)", providerNode, interfaceName, providerDsn,
                    providerNode, interfaceName);
            prepared(c, "SELECT pglogical.alter_subscription_interface(?, ?)", name, interfaceName);
            if (!currentInterface.equals(interfaceName)) {
                prepared(c, "SELECT pglogical.alter_node_drop_interface(?, ?) WHERE NOT EXISTS (SELECT 1 FROM"
                        + " pglogical.subscription s JOIN pglogical.node_interface i ON i.if_id = s.sub_origin_if"
                        + " WHERE i.if_name = ?)", providerNode, currentInterface, currentInterface);
            }
            return true;
        });
    }

    @Override
    public boolean unsubscribe(ReplicationNode subscriber, String providerNode) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        return sql(subscriber, "dropping subscription " + name, c -> {
            if (!installed(c)) {
                return false;
            }
            // also tries to drop the slot on the provider; a provider that is gone only gives a warning
            try (PreparedStatement ps = c.prepareStatement("SELECT pglogical.drop_subscription(?, true)")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) != 0;
                }
            }
        });
    }

    @Override
    public String emitMarker(ReplicationNode provider) {
        return sql(provider, "writing a replication marker on node " + provider.name(), c -> {
            execute(c, "SELECT pglogical.replicate_ddl_command('SELECT 1', '{ddl_sql}')");
            return queryString(c, "SELECT pg_current_wal_lsn()::text");
        });
    }

    @Override
    public Optional<ReplicationStatus> status(ReplicationNode node) {
        return sql(node, "reading the replication status of node " + node.name(), c -> {
            String version = queryString(c, "SELECT extversion FROM pg_extension WHERE extname = '" + EXTENSION + "'");
            if (version == null) {
                return Optional.empty();
            }
            List<ReplicationStatus.SubscriptionStatus> subscriptions = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT subscription_name,"
                    + " provider_node, status FROM pglogical.show_subscription_status() ORDER BY 1")) {
                while (rs.next()) {
                    subscriptions.add(new ReplicationStatus.SubscriptionStatus(rs.getString(1), rs.getString(2),
                            rs.getString(3)));
                }
            }
            String readOnly = "on".equals(queryString(c, "SELECT current_setting('default_transaction_read_only')"))
                    ? "all" : "off";
            return Optional.of(new ReplicationStatus(readOnly, version, subscriptions, lagBytes(c, node)));
        });
    }

    /**
     * Per subscriber node, how far its slot on this provider is behind the current WAL position. The
     * subscribers are the other nodes pglogical knows here (a full mesh: every provider also subscribes to
     * each of them); each one's slot has the name pglogical generates for {@code sub_<this>_<subscriber>}.
     */
    private static Map<String, Long> lagBytes(Connection c, ReplicationNode node) throws SQLException {
        Map<String, Long> lag = new java.util.TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.node_name, pg_wal_lsn_diff(pg_current_wal_lsn(),"
                + " s.confirmed_flush_lsn)::bigint FROM pglogical.node n JOIN pg_replication_slots s"
                + " ON s.slot_name = pglogical.pglogical_gen_slot_name(current_database(), ?::name, (? || n.node_name)::name)"
                + " WHERE n.node_name <> ? AND s.confirmed_flush_lsn IS NOT NULL")) {
            ps.setString(1, node.name());
            ps.setString(2, ReplicationNames.subscription(node.name(), ""));
            ps.setString(3, node.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lag.put(rs.getString(1), Math.max(0, rs.getLong(2)));
                }
            }
        }
        return lag;
    }

    @Override
    public int copySequences(ReplicationNode source, ReplicationNode target) {
        List<String[]> values = sql(source, "reading the sequences of node " + source.name(), c -> {
            List<String[]> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT format('%I.%I', schemaname,"
                    + " sequencename), last_value FROM pg_sequences WHERE last_value IS NOT NULL"
                    + " AND schemaname NOT IN ('pglogical', 'ddlrep')")) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            return out;
        });
        return sql(target, "setting the sequences of node " + target.name(), c -> {
            int set = 0;
            for (String[] v : values) {
                try (PreparedStatement ps = c.prepareStatement("SELECT setval(to_regclass(?), ?::bigint, true)"
                        + " FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename) = ?"
                        + " AND coalesce(last_value, -9223372036854775808) < ?::bigint")) {
                    ps.setString(1, v[0]);
                    ps.setString(2, v[1]);
                    ps.setString(3, v[0]);
                    ps.setString(4, v[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                        set += rs.next() ? 1 : 0;
                    }
                }
            }
            return set;
        });
    }

    // ---- helpers

    private static <T> T sql(ReplicationNode node, String what, io.controlplane.postgres.PostgresAdmin.SqlWork<T> work) {
        return node.primary().inDatabase(node.database(), what, c -> {
            execute(c, "SET ddlrep.enabled = off");
            return work.run(c);
        });
    }

    private static boolean installed(Connection c) throws SQLException {
        return queryString(c, "SELECT extversion FROM pg_extension WHERE extname = '" + EXTENSION + "'") != null;
    }

    private static Optional<Slot> readSlot(Connection c, String slotName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT slot_name, coalesce(plugin, ''), coalesce(database, ''),"
                + " active, coalesce(confirmed_flush_lsn::text, '') FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Slot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getString(5)));
            }
        }
    }

    private static String subscriptionSlot(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sub_slot_name FROM pglogical.subscription WHERE sub_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new TransientException("subscription " + name + " is not in the catalog");
                }
                return rs.getString(1);
            }
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void prepared(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.execute();
        }
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Eight hex characters of the value's SHA-256: a stable interface name for a connection string. */
    static String shortHash(String value) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String ddlScript() {
        try (InputStream in = PglogicalProvider.class.getResourceAsStream(DDL_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(DDL_SCRIPT + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while waiting for a slot to be free");
        }
    }
}
