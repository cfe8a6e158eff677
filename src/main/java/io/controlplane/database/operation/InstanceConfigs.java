package io.controlplane.database.operation;

import java.util.OptionalLong;
import io.controlplane.cluster.ClusterService;
import io.controlplane.cluster.HostRecord;
import io.controlplane.cluster.HostService;
import io.controlplane.common.PermanentException;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.database.DatabaseSecrets;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.spec.validation.ByteSize;
import io.controlplane.orchestrator.ServiceSpec;
import io.controlplane.patroni.ContainerPaths;
import io.controlplane.patroni.MemberRole;
import io.controlplane.patroni.PatroniClient;
import io.controlplane.patroni.PatroniInstanceConfig;
import io.controlplane.pgbackrest.PgBackRestPaths;
import io.controlplane.postgres.PostgresAdmin;
import io.controlplane.resource.InstanceIds;
import io.controlplane.resource.InstanceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Service;

/**
 * Turns an instance spec into what runs it: the Patroni configuration, the Swarm service spec, and
 * clients for its Patroni and Postgres. Secrets come from etcd here and go only into files and
 * connections.
 */
@Service
public class InstanceConfigs {

    static final String LABEL_PREFIX = "controlplane.";

    private final DatabaseStore store;
    private final HostService hosts;
    private final ClusterService cluster;
    private final ControlPlaneConfig config;

    public InstanceConfigs(DatabaseStore store, HostService hosts, ClusterService cluster, ControlPlaneConfig config) {
        this.store = store;
        this.hosts = hosts;
        this.cluster = cluster;
        this.config = config;
    }

    public PatroniInstanceConfig patroniConfig(InstanceSpec spec) {
        HostRecord host = host(spec.hostId());
        DatabaseSecrets secrets = store.secrets(spec.databaseId());
        List<String> etcdHosts = cluster.etcdClientUrls().stream().map(u -> u.getHost() + ":" + u.getPort()).toList();
        long memory = spec.memory().flatMap(m -> boxed(ByteSize.parse(m))).orElse(host.memoryBytes());
        double cpus = spec.cpus().map(InstanceConfigs::parseCpus).orElse((double) host.cpus());
        return new PatroniInstanceConfig(spec.databaseId(), spec.tenantIdOrNull(), spec.nodeName(), spec.nodeOrdinal(),
                spec.instanceId(), spec.postgresMajor(), address(host), spec.port(), spec.patroniPort(), etcdHosts,
                "instance-" + spec.instanceId(), store.instanceEtcdPassword(spec.databaseId(), spec.instanceId()),
                secrets.superuserPassword(), secrets.replicationPassword(), spec.clusterSize(), spec.nodeSize(), memory,
                cpus, spec.postgresqlConf(), spec.hbaEntries(), spec.identEntries(), systemAddresses())
                .withPgBackRest(spec.backup().archive() ? PgBackRestPaths.archiveCommand() : null,
                        spec.backup().restoreFrom().isPresent() ? PgBackRestPaths.restoreCommand() : null);
    }

    ServiceSpec serviceSpec(InstanceSpec spec, InstanceFiles files) {
        HostRecord host = host(spec.hostId());
        Map<String, String> labels = new LinkedHashMap<>(spec.extraLabels());
        labels.put(LABEL_PREFIX + "host.id", spec.hostId());
        labels.put(LABEL_PREFIX + "database.id", spec.databaseId());
        labels.put(LABEL_PREFIX + "instance.id", spec.instanceId());
        labels.put(LABEL_PREFIX + "node.name", spec.nodeName());
        labels.put(LABEL_PREFIX + "component", "postgres");
        spec.tenantId().ifPresent(t -> labels.put(LABEL_PREFIX + "tenant.id", t));
        List<ServiceSpec.BindMount> mounts = new ArrayList<>(List.of(
                new ServiceSpec.BindMount(files.configs().toString(), ContainerPaths.CONFIGS, true),
                new ServiceSpec.BindMount(files.certificates().toString(), ContainerPaths.CERTIFICATES, true),
                new ServiceSpec.BindMount(files.data().toString(), ContainerPaths.DATA, false)));
        spec.extraVolumes().forEach(v -> mounts.add(new ServiceSpec.BindMount(v.hostPath(), v.destinationPath(), false)));
        // posix and cifs repositories: the host directory at the same path, so repository paths read the same
        spec.backup().repositoryMounts().forEach(p -> mounts.add(new ServiceSpec.BindMount(p, p, false)));
        String liveness = "import urllib.request; urllib.request.urlopen('http://" + address(host) + ":"
                + spec.patroniPort() + "/liveness', timeout=3)";
        ServiceSpec.HealthCheck health = new ServiceSpec.HealthCheck(List.of("CMD", "python3", "-c", liveness),
                Duration.ofSeconds(10), Duration.ofSeconds(5), 3, Duration.ofSeconds(60));
        Long memory = spec.memory().flatMap(m -> boxed(ByteSize.parse(m))).orElse(null);
        Long nanoCpus = spec.cpus().map(c -> (long) (parseCpus(c) * 1_000_000_000L)).orElse(null);
        return new ServiceSpec(InstanceIds.serviceName(spec.instanceId()), spec.image(),
                List.of("patroni", ContainerPaths.PATRONI_CONFIG),
                Map.of("LANG", "C.UTF-8", "PATRONICTL_CONFIG_FILE", ContainerPaths.PATRONI_CONFIG),
                labels, mounts, InstanceFiles.OWNER_UID + ":" + InstanceFiles.OWNER_GID, true, memory, nanoCpus, health,
                Duration.ofSeconds(10), Duration.ofSeconds(config.stopGracePeriodSeconds()));
    }

    public PatroniClient patroniClient(InstanceSpec spec) {
        return new PatroniClient(address(host(spec.hostId())), spec.patroniPort());
    }

    /** Superuser SQL on one instance; each call opens and closes its own connection. */
    public PostgresAdmin postgres(InstanceSpec spec) {
        return new PostgresAdmin(address(host(spec.hostId())), spec.port(),
                store.secrets(spec.databaseId()).superuserPassword());
    }

    /**
     * Empty when the instance is ready, else what it is waiting for: Patroni running, and a primary
     * accepting writes or a replica streaming from its node's primary.
     */
    String readiness(InstanceSpec spec) {
        var status = patroniClient(spec).status();
        if (status.isEmpty()) {
            return "Patroni does not answer on port " + spec.patroniPort();
        }
        if (!"running".equals(status.get().state())) {
            return "Patroni state is " + status.get().state();
        }
        if (status.get().role() == MemberRole.PRIMARY) {
            return postgres(spec).isInRecovery() ? "the primary is still in recovery" : "";
        }
        Optional<InstanceSpec> primary = nodePrimary(spec.databaseId(), spec.nodeName());
        if (primary.isEmpty()) {
            return "the node has no primary yet";
        }
        boolean streaming = postgres(primary.get()).replicationPeers().stream()
                .anyMatch(p -> p.applicationName().equals(spec.instanceId()) && "streaming".equals(p.state()));
        if (!streaming) {
            return "the replica is not streaming from " + primary.get().instanceId() + " yet";
        }
        // Patroni copies the node's permanent logical slots (pglogical's) to a replica that lacks them by
        // stopping its Postgres once: until the replica has them it is about to restart, not ready
        Set<String> missing = new TreeSet<>(logicalSlots(primary.get()));
        missing.retainAll(patroniClient(primary.get()).permanentSlots());
        missing.removeAll(logicalSlots(spec));
        return missing.isEmpty() ? "" : "the replica has no copy of the logical slots " + missing
                + " yet (Patroni copies them with a restart of its Postgres)";
    }

    private Set<String> logicalSlots(InstanceSpec spec) {
        return postgres(spec).inDatabase("postgres", "reading pg_replication_slots", c -> {
            Set<String> names = new TreeSet<>();
            try (var s = c.createStatement();
                 var rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'logical'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    /**
     * The instance of a node that Patroni says is primary, among the applied instances and those the
     * current operation has planned and given ports.
     */
    Optional<InstanceSpec> nodePrimary(String databaseId, String nodeName) {
        Map<String, InstanceSpec> candidates = new LinkedHashMap<>(store.instanceSpecs(databaseId));
        store.plannedSpecs(databaseId).values().stream().filter(InstanceSpec::portsAllocated)
                .forEach(p -> candidates.putIfAbsent(p.instanceId(), p));
        for (InstanceSpec candidate : candidates.values()) {
            if (!candidate.nodeName().equals(nodeName)) {
                continue;
            }
            var s = patroniClient(candidate).status();
            if (s.isPresent() && s.get().role() == MemberRole.PRIMARY) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The node's instances that run or are being brought up with their ports: the applied ones and those
     * the current operation planned, the bootstrap primary first.
     */
    List<InstanceSpec> nodeInstances(String databaseId, String nodeName) {
        Map<String, InstanceSpec> all = new LinkedHashMap<>(store.instanceSpecs(databaseId));
        store.plannedSpecs(databaseId).values().stream().filter(InstanceSpec::portsAllocated)
                .forEach(p -> all.put(p.instanceId(), p));
        return all.values().stream().filter(s -> s.nodeName().equals(nodeName))
                .sorted(java.util.Comparator.comparing((InstanceSpec s) -> !s.intendedPrimary())
                        .thenComparing(InstanceSpec::instanceId))
                .toList();
    }

    /** Where other hosts reach the instance's Postgres. */
    String address(InstanceSpec spec) {
        return address(host(spec.hostId()));
    }

    private HostRecord host(String hostId) {
        return hosts.find(hostId).map(HostService.HostView::record)
                .orElseThrow(() -> new PermanentException("host " + hostId + " is not part of the cluster"));
    }

    /** Where other hosts and clients reach this host: its first peer address. */
    static String address(HostRecord host) {
        return host.peerAddresses().isEmpty() ? "127.0.0.1" : host.peerAddresses().get(0);
    }

    private List<String> systemAddresses() {
        Set<String> addresses = new LinkedHashSet<>();
        hosts.list().forEach(h -> addresses.addAll(h.record().peerAddresses()));
        addresses.add("127.0.0.1");
        return List.copyOf(addresses);
    }

    static double parseCpus(String cpus) {
        return cpus.endsWith("m") ? Double.parseDouble(cpus.substring(0, cpus.length() - 1)) / 1000.0
                : Double.parseDouble(cpus);
    }

    private static Optional<Long> boxed(OptionalLong value) {
        return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
    }

}
