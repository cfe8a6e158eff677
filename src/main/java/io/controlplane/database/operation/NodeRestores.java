package io.controlplane.database.operation;

import io.controlplane.cluster.ClusterService;
import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceState;
import io.controlplane.database.InstanceStatus;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.RestoreConfigSpec;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.orchestrator.Orchestrator;
import io.controlplane.patroni.PatroniKeys;
import io.controlplane.pgbackrest.PgBackRestPaths;
import io.controlplane.postgres.PostgresAdmin;
import io.controlplane.resource.DesiredState;
import io.controlplane.resource.InstanceBackup;
import io.controlplane.resource.InstanceIds;
import io.controlplane.resource.InstanceSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;

/**
 * The steps of an in-place restore of a node (process {@code restore-node}): stop the node, clear its
 * Patroni state, move the primary's data directory aside and empty the replicas', bootstrap the primary
 * from the backup (Patroni runs the restore script), then rename the restored database and drop the
 * replication state it brought along. Also the last part for nodes created from a backup by
 * create- and update-database.
 */
@Service
public class NodeRestores {

    /** The marker of a node created from the spec's restore_config whose database was prepared. */
    static final String FROM_SPEC_MARKER = "restored-from-backup";

    private final DatabaseStore store;
    private final ClusterService cluster;
    private final ControlPlaneConfig config;
    private final ImageManifest manifest;
    private final Orchestrator orchestrator;
    private final InstanceConfigs configs;
    private final RestoreRequests restores;

    public NodeRestores(DatabaseStore store, ClusterService cluster, ControlPlaneConfig config, ImageManifest manifest,
                        Orchestrator orchestrator, InstanceConfigs configs, RestoreRequests restores) {
        this.store = store;
        this.cluster = cluster;
        this.config = config;
        this.manifest = manifest;
        this.orchestrator = orchestrator;
        this.configs = configs;
        this.restores = restores;
    }

    /**
     * What "Plan restore" decides.
     *
     * @param primaries     node → the instance that bootstraps from the backup (the current primary, else
     *                      the node's first host)
     * @param instanceHosts instance → host, for every instance of the restored nodes
     */
    public record RestorePlan(List<String> nodes, Map<String, String> primaries, Map<String, String> instanceHosts,
                              Map<String, String> nodeHosts, List<String> replicatedNodes, List<String> peerNodes) {
    }

    /**
     * "Plan restore": the planned spec of every instance of the target nodes is the spec's (the API took
     * their backup config out) with the restore's marker, so "Configure instance" writes the restore files
     * and a bootstrap from the backup, and the posix repository it reads from mounted.
     */
    public RestorePlan plan(String databaseId, String taskId, List<String> nodes) {
        DatabaseRecord record = store.record(databaseId)
                .orElseThrow(() -> new OperationFailedException("database " + databaseId + " does not exist any more"));
        DatabaseSpec spec = store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
        RestoreConfigSpec restore = restores.get(databaseId, taskId).orElseThrow(() -> new PermanentException(
                "the restore config of task " + taskId + " is not in etcd"));
        Map<String, InstanceSpec> stored = store.instanceSpecs(databaseId);
        Map<String, InstanceStatus> statuses = store.statuses(databaseId);
        Map<String, InstanceSpec> desired = new LinkedHashMap<>();
        DesiredState.instances(databaseId, record.tenantId(), spec, manifest::image)
                .forEach(s -> desired.put(s.instanceId(), s));
        Map<String, String> primaries = new LinkedHashMap<>();
        Map<String, String> instanceHosts = new LinkedHashMap<>();
        Map<String, String> nodeHosts = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (String node : nodes) {
            List<InstanceSpec> instances = stored.values().stream().filter(s -> s.nodeName().equals(node))
                    .sorted(Comparator.comparing(InstanceSpec::instanceId)).toList();
            if (instances.isEmpty()) {
                throw new OperationFailedException("node " + node + " has no instances to restore");
            }
            InstanceSpec primary = instances.stream()
                    .filter(s -> statuses.containsKey(s.instanceId())
                            && "primary".equals(statuses.get(s.instanceId()).roleOrNull())).findFirst()
                    .or(() -> instances.stream().filter(InstanceSpec::intendedPrimary).findFirst())
                    .orElse(instances.get(0));
            primaries.put(node, primary.instanceId());
            nodeHosts.put(node, primary.hostId());
            for (InstanceSpec have : instances) {
                InstanceSpec want = Optional.ofNullable(desired.get(have.instanceId())).orElse(have).withPortsFrom(have);
                TreeSet<String> mounts = new TreeSet<>(want.backup().repositoryMounts());
                if (java.util.Set.of("posix", "cifs").contains(restore.repository().type())) {
                    restore.repository().basePath().ifPresent(mounts::add);
                }
                store.putPlanned(want.withBackup(new InstanceBackup(want.backup().archive(), List.copyOf(mounts),
                        taskId)));
                store.updateInstance(databaseId, have.instanceId(), r -> r.withState(InstanceState.MODIFYING, null, now));
                instanceHosts.put(have.instanceId(), have.hostId());
            }
        }
        // The mesh the restored nodes rejoin: every node of the spec that holds its data (not a copy that
        // never finished). The others ("peers") keep their data and only swap their replication with the
        // restored nodes; their SQL runs on their current primary's host.
        Set<String> copies = store.nodeCopies(databaseId).keySet();
        List<String> replicated = spec.nodes().stream().map(DatabaseNodeSpec::name)
                .filter(n -> nodes.contains(n) || !copies.contains(n)).toList();
        List<String> peers = replicated.stream().filter(n -> !nodes.contains(n)).toList();
        for (String peer : peers) {
            List<InstanceSpec> instances = stored.values().stream().filter(s -> s.nodeName().equals(peer))
                    .sorted(Comparator.comparing(InstanceSpec::instanceId)).toList();
            instances.stream().filter(s -> statuses.containsKey(s.instanceId())
                            && "primary".equals(statuses.get(s.instanceId()).roleOrNull())).findFirst()
                    .or(() -> instances.stream().filter(InstanceSpec::intendedPrimary).findFirst())
                    .or(() -> instances.stream().findFirst())
                    .ifPresent(s -> nodeHosts.put(peer, s.hostId()));
        }
        List<String> reachablePeers = peers.stream().filter(nodeHosts::containsKey).toList();
        List<String> mesh = replicated.stream().filter(nodeHosts::containsKey).toList();
        return new RestorePlan(List.copyOf(nodes), primaries, instanceHosts, nodeHosts, mesh, reachablePeers);
    }

    /** "Clear node's Patroni state": with every instance stopped, so the primary bootstraps anew. */
    public String clearPatroniState(String databaseId, String nodeName) {
        long deleted = cluster.deleteOutsideKeyRoot(PatroniKeys.nodePrefix(databaseId, nodeName));
        return "deleted " + deleted + " Patroni keys of node " + nodeName;
    }

    /**
     * "Prepare data directory for restore", on the instance's host once its container is gone: the primary's
     * data directory is moved aside (Patroni bootstraps only into an empty one; the restore script moves it
     * back for {@code --delta}), a replica's is removed (it is copied from the restored primary).
     */
    public String prepareDirectory(String databaseId, String instanceId, String primaryInstanceId) {
        if (orchestrator.serviceStatus(InstanceIds.serviceName(instanceId)).isPresent()) {
            throw new TransientException("service " + InstanceIds.serviceName(instanceId) + " still exists");
        }
        InstanceFiles files = new InstanceFiles(config.dataDir(), instanceId);
        Path pgdata = files.data().resolve("pgdata");
        Path kept = files.data().resolve(PgBackRestPaths.KEPT_PGDATA_DIR);
        try {
            if (instanceId.equals(primaryInstanceId)) {
                if (Files.isDirectory(pgdata) && !Files.exists(kept)) {
                    Files.move(pgdata, kept, StandardCopyOption.ATOMIC_MOVE);
                }
                // a Postgres that was killed leaves its pid file; pgBackRest refuses to restore over it
                Files.deleteIfExists(kept.resolve("postmaster.pid"));
                Files.deleteIfExists(restoreLog(files));
                return Files.exists(kept) ? "moved the data directory of " + instanceId + " aside for the restore"
                        : "instance " + instanceId + " had no data directory; the restore starts from nothing";
            }
            deleteTree(pgdata);
            deleteTree(kept);
            return "removed the data directory of replica " + instanceId + "; it is copied from the restored primary";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + files.data(), e);
        }
    }

    /**
     * The pgBackRest log of the restore that Patroni ran on this host when it bootstrapped the instance
     * (the restore script), into the task log; an ERROR in it ends the operation with that line.
     */
    public String copyRestoreLog(String databaseId, String nodeName, List<String> primaries, Consumer<String> log) {
        String instanceId = primaries.stream().filter(id -> store.instanceSpec(databaseId, id)
                        .or(() -> store.planned(databaseId, id)).map(s -> s.nodeName().equals(nodeName)).orElse(false))
                .findFirst().orElse(null);
        if (instanceId == null) {
            return "node " + nodeName + " has no restored primary";
        }
        Path file = restoreLog(new InstanceFiles(config.dataDir(), instanceId));
        if (!Files.exists(file)) {
            return "no restore log of " + instanceId + " on this host";
        }
        stream(file, 0, log);
        return "";
    }

    /**
     * "Finish restore": the restored instances' stored specs lose the restore's marker (a later update
     * must not bootstrap them again), the restore config with its keys leaves etcd, and the database is
     * available.
     */
    public String finish(String databaseId, String taskId, List<String> instanceIds) {
        for (String id : instanceIds) {
            store.instanceSpec(databaseId, id).filter(s -> taskId.equals(s.backup().restoreFromOrNull()))
                    .ifPresent(s -> store.putInstanceSpec(s.withBackup(new InstanceBackup(s.backup().archive(),
                            s.backup().repositoryMounts(), null))));
        }
        restores.delete(databaseId, taskId);
        return "restored " + instanceIds.size() + " instances";
    }

    /** New lines of the restore log from {@code offset} on; an ERROR line ends the operation. */
    private static long stream(Path file, long offset, Consumer<String> log) {
        if (!Files.exists(file)) {
            return offset;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            if (in.length() < offset) {
                offset = 0;
            }
            in.seek(offset);
            byte[] rest = new byte[(int) Math.min(in.length() - offset, 1 << 20)];
            in.readFully(rest);
            String text = new String(rest, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return offset;
            }
            for (String line : text.substring(0, end).split("\n")) {
                if (!line.isBlank() && !line.startsWith("-------------------")) {
                    log.accept(line);
                }
                if (line.contains(" ERROR: [")) {
                    throw new OperationFailedException("pgBackRest restore failed: " + line.trim());
                }
            }
            return offset + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
        } catch (IOException e) {
            return offset;
        }
    }

    /**
     * "Prepare restored database" for a node created from the spec's restore_config (create- and
     * update-database), once: see {@link #prepareRestoredDatabase}. Nothing for other nodes.
     */
    public String prepareFromSpec(String databaseId, String nodeName) {
        DatabaseSpec spec = store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
        var node = spec.node(nodeName);
        if (node.isEmpty() || node.get().sourceNode().filter(s -> !s.isEmpty()).isPresent()) {
            return "";
        }
        Optional<RestoreConfigSpec> restore = node.get().restoreConfig().or(spec::restoreConfig);
        if (restore.isEmpty() || store.scriptDone(databaseId, FROM_SPEC_MARKER, nodeName)) {
            return "";
        }
        String done = prepareRestoredDatabase(databaseId, nodeName, spec.databaseName(), restore.get());
        store.markScriptDone(databaseId, FROM_SPEC_MARKER, nodeName);
        return done;
    }

    /** "Prepare restored database" of an in-place restore. */
    public String prepareInPlace(String databaseId, String nodeName, String taskId) {
        DatabaseSpec spec = store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
        RestoreConfigSpec restore = restores.get(databaseId, taskId).orElseThrow(() -> new PermanentException(
                "the restore config of task " + taskId + " is not in etcd"));
        return prepareRestoredDatabase(databaseId, nodeName, spec.databaseName(), restore);
    }

    /**
     * The restored data is another node's (or another database's): its replication state (pglogical's
     * catalog, logical slots, replication origins) points at peers that are not this node's, so it is
     * dropped; multi-active replication sets the node up again afterwards (update-database). The database
     * is renamed from the source's name to the spec's. Every statement checks first, so a rerun is safe.
     */
    String prepareRestoredDatabase(String databaseId, String nodeName, String databaseName, RestoreConfigSpec restore) {
        InstanceSpec primary = configs.nodePrimary(databaseId, nodeName)
                .orElseThrow(() -> new TransientException("node " + nodeName + " has no primary right now"));
        PostgresAdmin postgres = configs.postgres(primary);
        String source = restore.sourceDatabaseName();
        List<String> done = new ArrayList<>();
        String present = postgres.databaseExists(source) ? source : postgres.databaseExists(databaseName) ? databaseName
                : null;
        if (present == null) {
            throw new OperationFailedException("the backup restored on node " + nodeName + " has no database '" + source
                    + "' (source_database_name)");
        }
        postgres.runScript(present, io.controlplane.replication.ReplicationNames.DROP_REPLICATION_STATE);
        postgres.runScript("postgres", List.of(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_type = 'logical'"
                        + " AND NOT active",
                "SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin"));
        done.add("dropped the replication state the backup brought along");
        if (!present.equals(databaseName)) {
            String from = literal(source);
            String to = literal(databaseName);
            postgres.runScript("postgres", List.of("DO $cp$ BEGIN "
                    + "IF EXISTS (SELECT FROM pg_database WHERE datname = " + from + ") "
                    + "AND NOT EXISTS (SELECT FROM pg_database WHERE datname = " + to + ") THEN "
                    + "PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " + from
                    + " AND pid <> pg_backend_pid(); "
                    + "EXECUTE format('ALTER DATABASE %I RENAME TO %I', " + from + ", " + to + "); "
                    + "END IF; END $cp$"));
            done.add("renamed database '" + source + "' to '" + databaseName + "'");
        }
        return String.join("; ", done);
    }

    private static String literal(String s) {
        if (s.contains("$cp$")) {
            throw new OperationFailedException("database name '" + s + "' cannot be renamed by the control plane");
        }
        return "'" + s.replace("'", "''") + "'";
    }

    static Path restoreLog(InstanceFiles files) {
        return files.data().resolve(PgBackRestPaths.LOG_DIR).resolve(PgBackRestPaths.RESTORE_LOG_FILE);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
