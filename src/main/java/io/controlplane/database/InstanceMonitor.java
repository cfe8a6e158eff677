package io.controlplane.database;

import io.controlplane.cluster.ClusterMembership;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.database.operation.InstanceConfigs;
import io.controlplane.patroni.ClusterView;
import io.controlplane.patroni.MemberRole;
import io.controlplane.patroni.MemberStatus;
import io.controlplane.replication.ReplicationNode;
import io.controlplane.replication.ReplicationStatus;
import io.controlplane.replication.ReplicationSupervisor;
import io.controlplane.resource.InstanceSpec;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every 5 s, asks Patroni about each instance on this host and stores what it says at
 * {@code /instance_statuses/<db>/<instance>}; the API derives instance states and roles from it. On a
 * primary it also has the {@link ReplicationSupervisor} check (and restart) the node's subscriptions and
 * stores what replication reports.
 */
@Component
public class InstanceMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceMonitor.class);

    private final ClusterMembership membership;
    private final ControlPlaneConfig config;
    private final DatabaseStore store;
    private final InstanceConfigs configs;
    private final ReplicationSupervisor replication;

    public InstanceMonitor(ClusterMembership membership, ControlPlaneConfig config, DatabaseStore store,
                           InstanceConfigs configs, ReplicationSupervisor replication) {
        this.membership = membership;
        this.config = config;
        this.store = store;
        this.configs = configs;
        this.replication = replication;
    }

    @Scheduled(fixedDelay = 5000, initialDelay = 5000)
    public void poll() {
        if (!membership.isInitialized()) {
            return;
        }
        try {
            for (InstanceRecord instance : store.allInstances()) {
                if (instance.hostId().equals(config.hostId()) && instance.patroniPort() > 0) {
                    refresh(instance);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("instance monitor: {}", e.getMessage());
        }
    }

    private void refresh(InstanceRecord instance) {
        Optional<InstanceSpec> spec = store.instanceSpec(instance.databaseId(), instance.id())
                .or(() -> store.planned(instance.databaseId(), instance.id()).filter(InstanceSpec::portsAllocated));
        if (spec.isEmpty()) {
            return;
        }
        InstanceStatus status;
        try {
            Optional<MemberStatus> member = configs.patroniClient(spec.get()).status();
            ReplicationStatus spock = member.filter(m -> m.role() == MemberRole.PRIMARY && "running".equals(m.state()))
                    .flatMap(m -> replication(instance, spec.get())).orElse(null);
            Long lag = member.filter(m -> m.role() == MemberRole.REPLICA && m.isRunning())
                    .flatMap(m -> replicaLag(instance, spec.get())).orElse(null);
            status = member.map(m -> new InstanceStatus(m.state(), role(m.role()), m.pendingRestart(),
                            version(m.serverVersion()), null, null, Instant.now(), m.paused(), spock, lag))
                    .orElseGet(() -> silent(instance, spec.get()));
        } catch (RuntimeException e) {
            status = new InstanceStatus(null, null, false, null, null, e.getMessage(), Instant.now());
        }
        store.putStatus(instance.databaseId(), instance.id(), status);
    }

    /** A replica's streaming lag as Patroni's {@code /cluster} reports it (its member name is the instance id). */
    private Optional<Long> replicaLag(InstanceRecord instance, InstanceSpec spec) {
        try {
            return configs.patroniClient(spec).cluster().member(instance.id()).flatMap(ClusterView.Member::lagBytes);
        } catch (RuntimeException e) {
            LOG.debug("replication lag of {}: {}", instance.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /** What the supervisor reports for a primary; nothing while replication is not installed or SQL fails. */
    private Optional<ReplicationStatus> replication(InstanceRecord instance, InstanceSpec spec) {
        try {
            return replication.supervise(instance.id(), new ReplicationNode(instance.nodeName(), configs.postgres(spec),
                    spec.databaseName()));
        } catch (RuntimeException e) {
            // the database may not exist yet (a create in progress); the next round tries again
            LOG.debug("replication status of {}: {}", instance.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * No answer from Patroni: an error, unless stop-instance stopped the instance; then silence is what
     * stopped looks like, and the status says so without an error (the instance stays {@code stopped}
     * until start-instance, whatever the monitor sees).
     */
    static InstanceStatus silent(InstanceRecord instance, InstanceSpec spec) {
        if (instance.state() == InstanceState.STOPPED) {
            return new InstanceStatus("stopped", null, false, null, "stopped", null, Instant.now());
        }
        return new InstanceStatus(null, null, false, null, null,
                "Patroni does not answer on port " + spec.patroniPort(), Instant.now());
    }

    private static String role(MemberRole role) {
        return role == MemberRole.UNKNOWN ? null : role.name().toLowerCase(Locale.ROOT);
    }

    /** 150018 → "15.18". */
    static String version(int serverVersion) {
        return serverVersion <= 0 ? null : (serverVersion / 10000) + "." + (serverVersion % 10000);
    }
}
