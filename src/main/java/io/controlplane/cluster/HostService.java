package io.controlplane.cluster;

import io.controlplane.orchestrator.ComponentHealth;
import io.controlplane.orchestrator.Orchestrator;
import org.springframework.beans.factory.ObjectProvider;
import java.util.TreeMap;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cluster.ClusterException.Kind;
import io.controlplane.common.OperationFailedException;
import io.controlplane.common.TransientException;
import io.controlplane.etcd.EtcdUnavailableException;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.etcd.admin.MemberRemovalRefusedException;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.etcd.store.Subscription;
import io.controlplane.etcd.store.VersionedValue;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Hosts of the cluster and their health. Each host writes its status every few seconds under a lease;
 * a host that dies stops renewing it, the key expires and readers see {@code unreachable} within
 * {@link #LEASE_TTL} (plus one heartbeat).
 */
@Service
public class HostService {

    static final Duration HEARTBEAT = Duration.ofSeconds(3);
    static final Duration LEASE_TTL = Duration.ofSeconds(9);
    private static final Duration STALE_AFTER = Duration.ofSeconds(15);
    private static final Duration REJOIN_BACKOFF_MAX = Duration.ofSeconds(10);
    /** The status time of a host that never reported one. */
    static final String NEVER = "1970-01-01T00:00:00Z";
    private static final Logger LOG = LoggerFactory.getLogger(HostService.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private final ClusterService cluster;
    private final ClusterMembership membership;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "host-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private long leaseId;
    private Subscription keepAlive;

    private final ObjectProvider<Orchestrator> orchestrator;
    private volatile HostStatus.Component dockerHealth;
    private volatile long dockerCheckedAt;

    public HostService(ClusterService cluster, ClusterMembership membership,
                       ObjectProvider<Orchestrator> orchestrator) {
        this.orchestrator = orchestrator;
        this.cluster = cluster;
        this.membership = membership;
    }

    /**
     * A restarted host resumes its membership, then its heartbeat. The other members may still be down
     * (hosts start in any order), so a failed attempt is tried again until it succeeds; meanwhile the
     * API answers 503 {@code host_starting}.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void resumeAtStart() {
        heartbeat.execute(() -> rejoin(1));
    }

    private void rejoin(int attempt) {
        try {
            cluster.resume();
            heartbeat.scheduleWithFixedDelay(this::beat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            long delay = Math.min(REJOIN_BACKOFF_MAX.toMillis(), 500L << Math.min(attempt, 6));
            membership.rejoinFailed(e.getMessage());
            LOG.warn("could not rejoin the cluster yet (attempt {}), trying again in {} ms: {}", attempt, delay,
                    e.getMessage());
            try {
                heartbeat.schedule(() -> rejoin(attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shutting down
            }
        }
    }

    @PreDestroy
    public void stop() {
        heartbeat.shutdownNow();
        if (keepAlive != null) {
            keepAlive.close();
        }
    }

    /** The orchestrator's health, checked at most every 15 s; null without an orchestrator. */
    private HostStatus.Component docker() {
        Orchestrator o = orchestrator.getIfAvailable();
        if (o == null) {
            return null;
        }
        long nowMs = System.currentTimeMillis();
        if (dockerHealth == null || nowMs - dockerCheckedAt > 15_000) {
            ComponentHealth health = o.health();
            dockerHealth = new HostStatus.Component(health.healthy(), health.errorOrNull());
            dockerCheckedAt = nowMs;
        }
        return dockerHealth;
    }

    /** Writes this host's status; the first call after init or join also starts the lease. */
    public void beat() {
        if (!membership.isInitialized()) {
            return;
        }
        try {
            EtcdStore store = cluster.store();
            if (keepAlive == null) {
                leaseId = store.grantLease(LEASE_TTL);
                keepAlive = store.keepAlive(leaseId);
            }
            Map<String, HostStatus.Component> components = new TreeMap<>();
            components.put("etcd", new HostStatus.Component(true, null));
            HostStatus.Component docker = docker();
            if (docker != null) {
                components.put("docker", docker);
            }
            boolean healthy = components.values().stream().allMatch(HostStatus.Component::healthy);
            HostStatus status = new HostStatus(healthy ? "healthy" : "degraded", now(), components);
            // the status lives and dies with the lease; its time stays, so a lost host still says when it was last seen
            store.transaction()
                    .put(Keys.hostStatus(cluster.hostId()), JSON.writeValueAsString(status), leaseId)
                    .put(Keys.hostStatusTime(cluster.hostId()), status.updatedAt())
                    .commit();
        } catch (RuntimeException | IOException e) {
            LOG.warn("heartbeat failed, renewing the lease next time: {}", e.getMessage());
            if (keepAlive != null) {
                keepAlive.close();
                keepAlive = null;
            }
        }
    }

    public List<HostView> list() {
        EtcdStore store = cluster.store();
        Map<String, VersionedValue> statuses = store.getPrefix(Keys.HOST_STATUSES);
        Map<String, VersionedValue> times = store.getPrefix(Keys.HOST_STATUS_TIMES);
        List<HostView> out = new ArrayList<>();
        store.getPrefix(Keys.HOSTS).forEach((key, value) -> {
            HostRecord record = read(value.value(), HostRecord.class);
            out.add(view(record, Optional.ofNullable(statuses.get(Keys.hostStatus(record.id()))),
                    Optional.ofNullable(times.get(Keys.hostStatusTime(record.id())))));
        });
        out.sort((a, b) -> a.record().id().compareTo(b.record().id()));
        return out;
    }

    public Optional<HostView> find(String hostId) {
        EtcdStore store = cluster.store();
        return store.get(Keys.host(hostId)).map(v -> view(read(v.value(), HostRecord.class),
                store.get(Keys.hostStatus(hostId)), store.get(Keys.hostStatusTime(hostId))));
    }

    /** Checks made before a remove-host task starts (pgEdge §2.3 remove-host). */
    public void checkRemovable(String hostId, boolean force) {
        if (hostId.equals(cluster.hostId())) {
            throw new ClusterException(Kind.INVALID_INPUT, "a host cannot remove itself from the cluster");
        }
        if (find(hostId).isEmpty()) {
            throw new ClusterException(Kind.NOT_FOUND, "host not found");
        }
        if (!force && hasInstances(hostId)) {
            throw new ClusterException(Kind.INVALID_INPUT, "cannot remove host with running instances");
        }
    }

    private boolean hasInstances(String hostId) {
        return cluster.store().getPrefix(Keys.INSTANCES).values().stream()
                .anyMatch(v -> hostId.equals(readTree(v.value()).path("host_id").asText()));
    }

    /** Removes the host's etcd member, if it has one; refuses below three members. */
    public boolean removeEtcdMember(String hostId) {
        try (EtcdAdmin admin = cluster.admin()) {
            boolean isMember = admin.listMembers().stream().anyMatch(m -> m.name().equals(hostId));
            if (!isMember) {
                return false;
            }
            admin.removeMember(hostId);
            return true;
        } catch (MemberRemovalRefusedException e) {
            throw new OperationFailedException(e.getMessage());
        } catch (EtcdUnavailableException e) {
            throw new TransientException("etcd is unavailable: " + e.getMessage(), e);
        }
    }

    public void removeCredentials(String hostId) {
        try (EtcdAdmin admin = cluster.admin()) {
            admin.removeHostUser(hostId);
        } catch (EtcdUnavailableException e) {
            throw new TransientException("etcd is unavailable: " + e.getMessage(), e);
        }
    }

    public void removeRecord(String hostId) {
        EtcdStore store = cluster.store();
        store.delete(Keys.hostStatus(hostId));
        store.delete(Keys.hostStatusTime(hostId));
        store.delete(Keys.host(hostId));
    }

    /**
     * A host whose status expired reads {@code unreachable} with the time of its last status; one that never
     * wrote a status (it died between joining and its first heartbeat) with {@link #NEVER}.
     */
    private HostView view(HostRecord record, Optional<VersionedValue> statusValue, Optional<VersionedValue> timeValue) {
        Optional<HostStatus> status = statusValue.map(v -> read(v.value(), HostStatus.class));
        String state = status.filter(s -> Instant.parse(s.updatedAt()).isAfter(Instant.now().minus(STALE_AFTER)))
                .map(HostStatus::state).orElse("unreachable");
        String updatedAt = status.map(HostStatus::updatedAt)
                .or(() -> timeValue.map(VersionedValue::value))
                .orElse(NEVER);
        return new HostView(record, state, updatedAt, status.map(HostStatus::components).orElse(Map.of()));
    }

    private static String now() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** A host with its current health; {@code statusUpdatedAt} is the time of its last status, never null. */
    public record HostView(HostRecord record, String state, String statusUpdatedAt,
                           Map<String, HostStatus.Component> components) {
    }
}
