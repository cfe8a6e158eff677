package io.controlplane.resource;

import io.controlplane.database.spec.BackupConfigSpec;
import io.controlplane.database.spec.ConfValue;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.ExtraVolume;
import io.controlplane.database.spec.OrchestratorOpts;
import io.controlplane.database.spec.RepositorySpec;
import io.controlplane.database.spec.RestoreConfigSpec;
import io.controlplane.database.spec.SwarmOpts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The instances a spec asks for, one per (node, host), with node-level values over database-level
 * ones (reference §3.8). Pure: same spec, same result; ports not fixed by the spec are 0 here and
 * allocated when the instance is applied.
 */
public final class DesiredState {

    private DesiredState() {
    }

    /**
     * @param spec   a validated spec whose postgres_version has been defaulted
     * @param images the image of a Postgres version, from the image manifest
     */
    public static List<InstanceSpec> instances(String databaseId, Optional<String> tenantId, DatabaseSpec spec,
                                               Function<String, String> images) {
        List<InstanceSpec> result = new ArrayList<>();
        for (DatabaseNodeSpec node : spec.nodes()) {
            String version = spec.effectivePostgresVersion(node)
                    .orElseThrow(() -> new IllegalArgumentException("postgres_version must be defaulted before planning"));
            Optional<SwarmOpts> swarm = node.orchestratorOpts().or(spec::orchestratorOpts).flatMap(OrchestratorOpts::swarm);
            String image = swarm.flatMap(SwarmOpts::image).orElseGet(() -> images.apply(version));
            Map<String, String> labels = swarm.map(SwarmOpts::extraLabels).orElse(Map.of());
            List<ExtraVolume> volumes = swarm.map(SwarmOpts::extraVolumes).orElse(List.of());
            int port = fixedPort(spec.effectivePort(node));
            int patroniPort = fixedPort(spec.effectivePatroniPort(node));
            InstanceBackup backup = backup(spec, node);
            for (int i = 0; i < node.hostIds().size(); i++) {
                String hostId = node.hostIds().get(i);
                result.add(new InstanceSpec(
                        InstanceIds.instanceId(databaseId, node.name(), hostId),
                        databaseId,
                        tenantId.orElse(null),
                        spec.databaseName(),
                        node.name(),
                        ordinal(node.name()),
                        hostId,
                        i == 0,
                        version,
                        image,
                        port,
                        patroniPort,
                        node.memory().or(spec::memory).orElse(null),
                        node.cpus().or(spec::cpus).orElse(null),
                        conf(spec.postgresqlConf(), node.postgresqlConf()),
                        concat(node.pgHbaConf(), spec.pgHbaConf()),
                        concat(node.pgIdentConf(), spec.pgIdentConf()),
                        labels,
                        volumes,
                        spec.nodes().size(),
                        node.hostIds().size(),
                        backup));
            }
        }
        return result;
    }

    /**
     * Backups of a node (node-level {@code backup_config} over the database's) archive WAL; a node
     * without {@code source_node} whose spec has a {@code restore_config} (node over database) is created
     * from that backup; posix and cifs repositories of both are mounted into the node's containers.
     */
    static InstanceBackup backup(DatabaseSpec spec, DatabaseNodeSpec node) {
        Optional<BackupConfigSpec> backup = node.backupConfig().or(spec::backupConfig);
        Optional<RestoreConfigSpec> restore = node.sourceNode().filter(s -> !s.isEmpty()).isPresent()
                ? Optional.empty() : node.restoreConfig().or(spec::restoreConfig);
        TreeSet<String> mounts = new TreeSet<>();
        List<RepositorySpec> repositories = new ArrayList<>();
        backup.ifPresent(b -> repositories.addAll(b.repositories()));
        restore.ifPresent(r -> repositories.add(r.repository()));
        for (RepositorySpec r : repositories) {
            if (Set.of("posix", "cifs").contains(r.type())) {
                r.basePath().ifPresent(mounts::add);
            }
        }
        return new InstanceBackup(backup.isPresent(), List.copyOf(mounts),
                restore.isPresent() ? InstanceBackup.FROM_SPEC : null);
    }

    /** Node names are {@code n<digits>}; the digits are the node's ordinal. */
    static int ordinal(String nodeName) {
        return Integer.parseInt(nodeName.substring(1));
    }

    private static int fixedPort(Optional<Integer> port) {
        return port.filter(p -> p > 0).orElse(0);
    }

    private static Map<String, String> conf(Map<String, ConfValue> database, Map<String, ConfValue> node) {
        Map<String, String> merged = new TreeMap<>();
        database.forEach((k, v) -> merged.put(k, v.asSetting()));
        node.forEach((k, v) -> merged.put(k, v.asSetting()));
        return new LinkedHashMap<>(merged);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
