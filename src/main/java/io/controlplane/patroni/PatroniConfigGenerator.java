package io.controlplane.patroni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders an instance's {@code patroni.yaml} (reference §6.3, adapted to Patroni 3.0.2, pglogical and
 * password-authenticated system users). Pure: the same input always gives the same bytes, so the
 * result can be compared with the file on disk and golden files.
 */
public final class PatroniConfigGenerator {

    /**
     * Parameters Patroni takes from the DCS only (it ignores them in the local section), so they go to
     * {@code bootstrap.dcs} on creation and to {@code PATCH /config} on update.
     */
    public static final Set<String> DCS_CONTROLLED = Set.of(
            "max_connections", "max_worker_processes", "max_wal_senders", "max_replication_slots",
            "max_locks_per_transaction", "max_prepared_transactions", "track_commit_timestamp",
            "wal_level", "wal_log_hints", "wal_keep_size", "wal_keep_segments", "hot_standby");

    static final String ETCD_CA = ContainerPaths.CERTIFICATES + "/etcd/ca.crt";
    static final String ETCD_CERT = ContainerPaths.CERTIFICATES + "/etcd/client.crt";
    static final String ETCD_KEY = ContainerPaths.CERTIFICATES + "/etcd/client.key";
    static final String PGPASS = ContainerPaths.DATA + "/pgpass";
    static final String PRELOAD_LIBRARIES = "shared_preload_libraries";
    static final String REPLICATION_LIBRARY = "pglogical";
    static final String SPOCK = "spock";

    /** Everything but the resource-derived values; user {@code postgresql_conf} wins over all of it. */
    private static final Map<String, String> FIXED_DEFAULTS = fixedDefaults();

    /** The {@code parameters} of {@code bootstrap.dcs.postgresql}, sorted by name. */
    public Map<String, String> dcsParameters(PatroniInstanceConfig cfg) {
        return split(cfg, true);
    }

    /** The local {@code postgresql.parameters}, sorted by name. */
    public Map<String, String> localParameters(PatroniInstanceConfig cfg) {
        return split(cfg, false);
    }

    public String render(PatroniInstanceConfig cfg) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scope", cfg.scope());
        root.put("namespace", PatroniKeys.NAMESPACE);
        root.put("name", cfg.instanceId());
        // No log.dir: Patroni logs to stderr, which is the container log.
        root.put("log", map("level", "INFO"));
        root.put("restapi", restapi(cfg));
        root.put("etcd3", etcd3(cfg));
        root.put("bootstrap", bootstrap(cfg));
        root.put("postgresql", postgresql(cfg));
        root.put("watchdog", map("mode", "off"));
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("nofailover", false);
        tags.put("noloadbalance", false);
        tags.put("clonefrom", false);
        tags.put("nosync", false);
        root.put("tags", tags);
        return yaml().dump(root);
    }

    /**
     * The content of {@link ContainerPaths#REPLICATION_PASSFILE}: the superuser's password for any host,
     * port and database, which the replication connections of this instance (it may become its node's
     * primary) use to reach the other nodes.
     */
    public static String replicationPassfile(PatroniInstanceConfig cfg) {
        return "*:*:*:" + PatroniInstanceConfig.SUPERUSER + ":" + cfg.superuserPassword().replace("\\", "\\\\")
                .replace(":", "\\:") + "\n";
    }

    private static Map<String, Object> restapi(PatroniInstanceConfig cfg) {
        String listenHost = cfg.advertiseAddress() == null || cfg.advertiseAddress().isBlank()
                ? "0.0.0.0" : cfg.advertiseAddress();
        Map<String, Object> restapi = new LinkedHashMap<>();
        restapi.put("listen", listenHost + ":" + cfg.patroniPort());
        restapi.put("connect_address", cfg.advertiseAddress() + ":" + cfg.patroniPort());
        restapi.put("allowlist", allowlist(cfg));
        return restapi;
    }

    /** Who may call Patroni's unsafe endpoints: the database's hosts (also as IPv4-mapped IPv6) and loopback. */
    static List<String> allowlist(PatroniInstanceConfig cfg) {
        Set<String> allow = new LinkedHashSet<>();
        for (String address : PgHbaRules.systemAddresses(cfg)) {
            allow.add(address);
            if (!PgHbaRules.isIpv6(address)) {
                allow.add("::ffff:" + address);
            }
        }
        return new ArrayList<>(allow);
    }

    private static Map<String, Object> etcd3(PatroniInstanceConfig cfg) {
        Map<String, Object> etcd = new LinkedHashMap<>();
        etcd.put("hosts", new ArrayList<>(cfg.etcdHosts()));
        etcd.put("protocol", "https");
        etcd.put("cacert", ETCD_CA);
        etcd.put("cert", ETCD_CERT);
        etcd.put("key", ETCD_KEY);
        // Always needed: the etcd gRPC gateway Patroni talks to never takes the identity from the cert.
        etcd.put("username", cfg.etcdUser());
        etcd.put("password", cfg.etcdPassword());
        return etcd;
    }

    private Map<String, Object> bootstrap(PatroniInstanceConfig cfg) {
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("use_pg_rewind", true);
        pg.put("use_slots", true);
        pg.put("parameters", new LinkedHashMap<>(dcsParameters(cfg)));
        Map<String, Object> dcs = new LinkedHashMap<>();
        dcs.put("ttl", 30);
        dcs.put("loop_wait", 10);
        dcs.put("retry_timeout", 10);
        dcs.put("maximum_lag_on_failover", 1048576);
        // A node without replicas keeps its primary writable while etcd is unreachable (Patroni >= 3.0).
        dcs.put("failsafe_mode", cfg.nodeSize() == 1);
        dcs.put("postgresql", pg);
        Map<String, Object> bootstrap = new LinkedHashMap<>();
        bootstrap.put("dcs", dcs);
        // The image has only the C, C.utf8 and POSIX locales.
        bootstrap.put("initdb", List.of("data-checksums", map("encoding", "UTF8"), map("locale", "C.UTF-8")));
        cfg.restoreCommand().ifPresent(command -> {
            // a node created from a backup (reference §6.3): the restore leaves recovery settings that
            // Patroni must keep so Postgres recovers to the target and promotes
            Map<String, Object> restore = new LinkedHashMap<>();
            restore.put("command", command);
            restore.put("keep_existing_recovery_conf", true);
            restore.put("no_params", true);
            bootstrap.put("method", "restore");
            bootstrap.put("restore", restore);
        });
        return bootstrap;
    }

    private Map<String, Object> postgresql(PatroniInstanceConfig cfg) {
        Map<String, Object> pg = new LinkedHashMap<>();
        // Host networking: the port is allocated per host, so listening on every address is safe.
        pg.put("listen", "0.0.0.0:" + cfg.postgresPort());
        pg.put("connect_address", cfg.advertiseAddress() + ":" + cfg.postgresPort());
        pg.put("data_dir", ContainerPaths.PGDATA);
        pg.put("bin_dir", ContainerPaths.binDir(cfg.postgresMajor()));
        pg.put("pgpass", PGPASS);
        // Patroni's own connections use the socket, so they match "local ... trust".
        pg.put("use_unix_socket", true);
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("superuser", credentials(PatroniInstanceConfig.SUPERUSER, cfg.superuserPassword()));
        auth.put("replication", credentials(PatroniInstanceConfig.REPLICATION_USER, cfg.replicationPassword()));
        // No "rewind" entry: Patroni then runs pg_rewind as the superuser.
        pg.put("authentication", auth);
        pg.put("parameters", new LinkedHashMap<>(localParameters(cfg)));
        pg.put("pg_hba", PgHbaRules.lines(cfg));
        if (!cfg.identEntries().isEmpty()) {
            pg.put("pg_ident", new ArrayList<>(cfg.identEntries()));
        }
        pg.put("remove_data_directory_on_rewind_failure", true);
        pg.put("remove_data_directory_on_diverged_timelines", true);
        pg.put("basebackup", List.of(map("checkpoint", "fast")));
        return pg;
    }

    private static Map<String, String> split(PatroniInstanceConfig cfg, boolean dcs) {
        Map<String, String> all = new LinkedHashMap<>(FIXED_DEFAULTS);
        all.putAll(PostgresTuning.parameters(cfg.memoryBytes(), cfg.cpus(), cfg.clusterSize()));
        // WAL goes to the repositories while backups are configured; archive_mode stays on either way,
        // so turning backups on or off needs a reload, never a restart
        cfg.archiveCommand().ifPresent(command -> all.put("archive_command", command));
        // Server TLS goes here (ssl, ssl_cert_file, ssl_key_file, ssl_ca_file under
        // ContainerPaths.CERTIFICATES/postgres) once instances get server certificates; off until then.
        cfg.postgresqlConf().forEach((name, value) -> all.put(name.toLowerCase(Locale.ROOT), value));
        all.computeIfPresent(PRELOAD_LIBRARIES, (name, value) -> withReplicationLibrary(value));
        Map<String, String> out = new TreeMap<>();
        all.forEach((name, value) -> {
            if (DCS_CONTROLLED.contains(name) == dcs) {
                out.put(name, value);
            }
        });
        return out;
    }

    /**
     * A pgEdge spec names Spock, pgEdge's replication extension, in {@code shared_preload_libraries}; we
     * replicate with pglogical, so {@code spock} loads pglogical (once, where spock stood). Quotes and
     * spaces around names are dropped, as Postgres drops them.
     */
    static String withReplicationLibrary(String libraries) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : libraries.split(",")) {
            String bare = name.trim().replace("\"", "").replace("'", "");
            if (!bare.isEmpty()) {
                names.add(bare.equals(SPOCK) ? REPLICATION_LIBRARY : bare);
            }
        }
        return String.join(",", names);
    }

    private static Map<String, String> fixedDefaults() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("archive_mode", "on");
        p.put("archive_command", "/bin/true");
        p.put("checkpoint_completion_target", "0.9");
        p.put("checkpoint_timeout", "15min");
        p.put("hot_standby_feedback", "on");
        // Off so the server log goes to stderr and shows in the container log next to Patroni's.
        p.put("logging_collector", "off");
        p.put("password_encryption", "scram-sha-256");
        p.put(PRELOAD_LIBRARIES, "pg_stat_statements," + REPLICATION_LIBRARY);
        p.put("track_io_timing", "on");
        p.put("wal_sender_timeout", "5s");
        p.put("unix_socket_directories", ContainerPaths.DATA);
        p.put("max_locks_per_transaction", "64");
        p.put("max_prepared_transactions", "0");
        p.put("track_commit_timestamp", "on");
        p.put("wal_level", "logical");
        p.put("wal_log_hints", "on");
        p.put("wal_keep_size", "128MB");
        // Multi-active replication: of two changes to one row, the later commit wins on every node
        // (needs track_commit_timestamp).
        p.put("pglogical.conflict_resolution", "last_update_wins");
        return Map.copyOf(p);
    }

    private static Map<String, Object> credentials(String username, String password) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("username", username);
        c.put("password", password);
        return c;
    }

    private static Map<String, Object> map(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }

    private static Yaml yaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setSplitLines(false);
        options.setWidth(Integer.MAX_VALUE);
        options.setLineBreak(DumperOptions.LineBreak.UNIX);
        return new Yaml(options);
    }
}
