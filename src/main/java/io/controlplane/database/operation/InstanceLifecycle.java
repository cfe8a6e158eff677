package io.controlplane.database.operation;

import io.controlplane.cluster.ClusterService;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.orchestrator.Orchestrator;
import io.controlplane.orchestrator.ServiceChange;
import io.controlplane.orchestrator.ServiceSpec;
import io.controlplane.orchestrator.ServiceStatus;
import io.controlplane.patroni.PatroniClient;
import io.controlplane.patroni.PatroniConfigGenerator;
import io.controlplane.patroni.PatroniInstanceConfig;
import io.controlplane.patroni.PatroniKeys;
import io.controlplane.resource.InstanceIds;
import io.controlplane.resource.InstanceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Service;

/**
 * The steps of the instance processes (configure-, create-, update- and remove-instance) that bring
 * one instance up, change it or take it down, on the instance's host. Each one reads the instance's
 * planned spec ({@code /plans/<db>/<instance>}) and checks what already exists.
 */
@Service
public class InstanceLifecycle {

    static final Duration READY_WAIT = Duration.ofSeconds(90);
    static final Duration REMOVE_WAIT = Duration.ofSeconds(90);
    /** Longer than Patroni's {@code loop_wait} (10 s): by then a reload has been applied. */
    static final Duration RELOAD_APPLIED_WAIT = Duration.ofSeconds(13);

    private final DatabaseStore store;
    private final ClusterService cluster;
    private final ControlPlaneConfig config;
    private final PortAllocator ports;
    private final Orchestrator orchestrator;
    private final InstanceConfigs configs;
    private final PatroniConfigGenerator generator = new PatroniConfigGenerator();

    public InstanceLifecycle(DatabaseStore store, ClusterService cluster, ControlPlaneConfig config, PortAllocator ports,
                             Orchestrator orchestrator, InstanceConfigs configs) {
        this.store = store;
        this.cluster = cluster;
        this.config = config;
        this.ports = ports;
        this.orchestrator = orchestrator;
        this.configs = configs;
    }

    /** "Allocate ports": the instance's Postgres and Patroni ports on its host, stable across reruns. */
    public InstanceSpec allocatePorts(String databaseId, String instanceId) {
        InstanceSpec planned = planned(databaseId, instanceId);
        int port = ports.allocate(planned.hostId(), postgresPortOwner(instanceId), planned.port());
        int patroniPort = ports.allocate(planned.hostId(), patroniPortOwner(instanceId), planned.patroniPort());
        if (port == patroniPort) {
            throw new PermanentException("the Postgres and Patroni ports of " + instanceId + " are both " + port);
        }
        InstanceSpec resolved = planned.withPorts(port, patroniPort);
        store.putPlanned(resolved);
        store.updateInstance(databaseId, instanceId, r -> r.withPorts(port, patroniPort, Instant.now()));
        return resolved;
    }

    /** "Create etcd credentials": user {@code instance-<id>} limited to the node's Patroni prefix. */
    public void createEtcdCredentials(String databaseId, String instanceId) {
        InstanceSpec planned = planned(databaseId, instanceId);
        String password = store.instanceEtcdPassword(databaseId, instanceId);
        try (EtcdAdmin admin = cluster.admin()) {
            admin.addInstanceUser(instanceId, databaseId, planned.nodeName(), password);
        }
    }

    /** "Write Patroni config and certificates". @return whether patroni.yaml changed */
    public boolean writePatroniConfig(String databaseId, String instanceId) {
        InstanceSpec planned = allocated(databaseId, instanceId);
        InstanceFiles files = files(instanceId);
        files.createDirectories();
        if (!files.hasEtcdCertificate()) {
            var ca = cluster.ca();
            files.writeEtcdCertificates(ca.certificatePem(), ca.issueClient(EtcdAdmin.instanceUserName(instanceId)));
        }
        PatroniInstanceConfig patroni = configs.patroniConfig(planned);
        boolean changed = files.writePatroniConfig(generator.render(patroni));
        files.writeReplicationPassfile(PatroniConfigGenerator.replicationPassfile(patroni));
        files.chownToPostgres();
        return changed;
    }

    /**
     * "Create Swarm service" and "Update Swarm service": creates {@code postgres-<instance_id>}, or
     * updates it when its spec changed (Swarm then replaces the container), or leaves it alone.
     */
    public ServiceChange ensureService(String databaseId, String instanceId) {
        InstanceSpec planned = allocated(databaseId, instanceId);
        ServiceSpec spec = configs.serviceSpec(planned, files(instanceId));
        Optional<String> before = orchestrator.serviceStatus(spec.name()).filter(ServiceStatus::running)
                .flatMap(ServiceStatus::containerId);
        ServiceChange change = orchestrator.ensureService(spec);
        if (change == ServiceChange.UPDATED && before.isPresent()) {
            waitForNewContainer(spec.name(), before.get());
        }
        return change;
    }

    /**
     * Swarm replaces the container of an updated service after the update call returned: until the old
     * container is gone, its Patroni still answers, and "Wait for instance ready" would take the old
     * container for the new one (the node then went down after its task had completed).
     */
    private void waitForNewContainer(String service, String oldContainer) {
        Instant deadline = Instant.now().plus(READY_WAIT);
        Optional<ServiceStatus> status = Optional.empty();
        while (Instant.now().isBefore(deadline)) {
            status = orchestrator.serviceStatus(service);
            if (status.isPresent() && status.get().running() && status.get().containerId().isPresent()
                    && !status.get().containerId().get().equals(oldContainer) && "running".equals(status.get().taskState())) {
                return;
            }
            sleep(Duration.ofMillis(500));
        }
        throw new TransientException("swarm has not replaced the container of " + service + " yet: "
                + status.map(s -> s.taskState() + s.message().map(m -> " (" + m + ")").orElse("")).orElse("no service"));
    }

    /**
     * "Patch Patroni config and reload or restart Postgres": hands changed settings to Patroni. Patroni-controlled settings go to
     * the cluster-wide configuration; the rest is reloaded from patroni.yaml; a setting that needs a
     * restart gets one.
     */
    public String applyPatroniConfig(String databaseId, String instanceId) {
        InstanceSpec planned = allocated(databaseId, instanceId);
        PatroniClient patroni = configs.patroniClient(planned);
        patroni.status().orElseThrow(() -> new TransientException("Patroni of " + instanceId + " does not answer yet"));
        PatroniInstanceConfig cfg = configs.patroniConfig(planned);
        InstanceFiles files = files(instanceId);
        Set<String> toApply = new LinkedHashSet<>(expectedConfLines(planned, cfg));
        toApply.removeAll(files.postgresqlConfLines());
        Map<String, Object> dcs = Map.of("postgresql", Map.of("parameters", generator.dcsParameters(cfg)));
        // POST /reload only flags a reload for Patroni's next loop (up to loop_wait later); a PATCH of the
        // dynamic configuration wakes the loop at once, so flag first, then patch. Then wait until
        // Patroni has written the settings to postgresql.conf (or one loop has passed), restart if a
        // setting needs it, and look again until nothing is pending
        int restarts = 0;
        for (int round = 0; round < 5; round++) {
            patroni.reload();
            patroni.patchConfig(dcs);
            if (!waitForPendingRestart(patroni, files, toApply)) {
                return restarts == 0 ? "reloaded the configuration" : "restarted Postgres to apply settings that need a restart";
            }
            patroni.restart();
            restarts++;
            toApply = Set.of();
        }
        throw new TransientException("Postgres of " + instanceId + " still has settings pending a restart");
    }

    /** The lines Patroni writes to postgresql.conf for our settings: {@code name = 'value'}. */
    private List<String> expectedConfLines(InstanceSpec planned, PatroniInstanceConfig cfg) {
        List<String> lines = new ArrayList<>();
        lines.add("port = '" + planned.port() + "'");
        Map<String, String> all = new TreeMap<>(generator.dcsParameters(cfg));
        all.putAll(generator.localParameters(cfg));
        all.forEach((k, v) -> lines.add(k + " = '" + v.replace("\\", "\\\\").replace("'", "''") + "'"));
        return lines;
    }

    /**
     * "Wait for instance ready": Patroni runs the instance; a primary accepts writes, a replica streams
     * from its primary. Then the instance's spec is stored as applied and the instance is available.
     */
    public String waitReady(String databaseId, String instanceId) {
        InstanceSpec planned = allocated(databaseId, instanceId);
        Instant deadline = Instant.now().plus(READY_WAIT);
        String last = "no answer from Patroni";
        while (Instant.now().isBefore(deadline)) {
            try {
                last = configs.readiness(planned);
            } catch (TransientException e) {
                last = e.getMessage();
            }
            if (last.isEmpty()) {
                store.putInstanceSpec(planned);
                store.updateInstance(databaseId, instanceId,
                        r -> r.withState(InstanceState.AVAILABLE, null, Instant.now()));
                return "instance " + instanceId + " is ready on port " + planned.port();
            }
            sleep(Duration.ofSeconds(1));
        }
        var service = orchestrator.serviceStatus(InstanceIds.serviceName(instanceId));
        String orchestratorView = service.map(s -> "; service task " + s.taskState() + s.message().map(m -> " (" + m + ")").orElse(""))
                .orElse("; the service does not exist");
        throw new TransientException("instance " + instanceId + " is not ready yet: " + last + orchestratorView);
    }

    /** "Remove Swarm service": gone with its container; nothing to do is fine. */
    public boolean removeService(String databaseId, String instanceId) {
        return orchestrator.removeService(InstanceIds.serviceName(instanceId), REMOVE_WAIT);
    }

    /**
     * "Remove instance files, etcd user, ports, Patroni keys and records": the instance directory (only on its own host; a removed
     * host's files stay), its etcd user, its ports, its Patroni member key (the node's whole Patroni
     * scope when the node is among {@code removedNodes}) and its records.
     */
    public String removeInstanceData(String databaseId, String instanceId, Collection<String> removedNodes) {
        InstanceRecord record = store.instance(databaseId, instanceId).orElse(null);
        Optional<InstanceSpec> planned = record != null ? Optional.empty() : store.planned(databaseId, instanceId);
        String hostId = record != null ? record.hostId() : planned.map(InstanceSpec::hostId).orElse(config.hostId());
        String nodeName = record != null ? record.nodeName() : planned.map(InstanceSpec::nodeName).orElse(null);
        boolean local = hostId.equals(config.hostId());
        if (local) {
            files(instanceId).deleteAll();
        }
        try (EtcdAdmin admin = cluster.admin()) {
            admin.removeInstanceUser(instanceId);
        }
        ports.release(hostId, postgresPortOwner(instanceId));
        ports.release(hostId, patroniPortOwner(instanceId));
        if (nodeName != null) {
            cluster.deleteOutsideKeyRoot(removedNodes.contains(nodeName) ? PatroniKeys.nodePrefix(databaseId, nodeName)
                    : PatroniKeys.memberKey(databaseId, nodeName, instanceId));
        }
        store.deleteInstance(databaseId, instanceId);
        return local ? "removed files, credentials and ports of " + instanceId
                : "removed credentials and ports of " + instanceId + "; its files stay on host " + hostId;
    }

    /**
     * Whether Postgres needs a restart after a reload. Patroni decides that when it applies the reload
     * and rewrites postgresql.conf; its REST API gives no sign that this happened ({@code dcs_last_seen}
     * also moves on API calls), so wait until the file shows every new setting, or for longer than one
     * Patroni loop when a setting never shows as written, then ask.
     */
    private boolean waitForPendingRestart(PatroniClient patroni, InstanceFiles files, Set<String> toApply) {
        Instant deadline = Instant.now().plus(RELOAD_APPLIED_WAIT);
        if (!toApply.isEmpty()) {
            // once postgresql.conf shows every new setting, Patroni has reloaded and knows what is pending
            while (Instant.now().isBefore(deadline) && !files.postgresqlConfLines().containsAll(toApply)) {
                sleep(Duration.ofMillis(250));
            }
            if (Instant.now().isBefore(deadline)) {
                deadline = Instant.now().plus(Duration.ofSeconds(2));
            }
        } else {
            deadline = Instant.now().plus(Duration.ofSeconds(2));
        }
        while (true) {
            var status = patroni.status();
            if (status.isPresent() && status.get().pendingRestart()) {
                return true;
            }
            if (!Instant.now().isBefore(deadline)) {
                return false;
            }
            sleep(Duration.ofMillis(500));
        }
    }

    /** Owner names of an instance's ports in {@code /ports/<host_id>}. */
    static String postgresPortOwner(String instanceId) {
        return instanceId + "/postgres";
    }

    static String patroniPortOwner(String instanceId) {
        return instanceId + "/patroni";
    }

    private InstanceSpec planned(String databaseId, String instanceId) {
        return store.planned(databaseId, instanceId).orElseThrow(() -> new PermanentException(
                "instance " + instanceId + " has no planned spec; run the operation again"));
    }

    private InstanceSpec allocated(String databaseId, String instanceId) {
        InstanceSpec spec = planned(databaseId, instanceId);
        if (!spec.portsAllocated()) {
            throw new PermanentException("instance " + instanceId + " has no ports yet; \"Allocate ports\" must run first");
        }
        return spec;
    }

    InstanceFiles files(String instanceId) {
        return new InstanceFiles(config.dataDir(), instanceId);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while waiting");
        }
    }

}
