package io.controlplane.metrics;

import io.controlplane.cluster.ClusterMembership;
import io.controlplane.cluster.HostService;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.database.DatabaseDetails;
import io.controlplane.database.DatabaseService;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.InstanceState;
import io.controlplane.database.InstanceStatus;
import io.controlplane.engine.EngineBacklog;
import io.controlplane.replication.ReplicationStatus;
import io.controlplane.task.TaskService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The cluster's state as Prometheus gauges. A scrape only reads the rows of the last snapshot: the
 * snapshot is taken every {@value #REFRESH_MILLIS} ms from what the host already reads for the API (etcd's
 * database, instance and host records, the statuses the instance monitors write, the task table and the
 * engine's incidents and jobs), never during a scrape.
 *
 * <p>These series are cluster-wide: every host exports the same values from the same etcd and engine
 * database, so a query aggregates them with {@code max} over the scrape targets, never {@code sum}
 * (docs/metrics.md). Only the step and task duration histograms are per host (counted where the work ran)
 * and add up with {@code sum}.
 */
@Component
public class ClusterMetrics {

    static final long REFRESH_MILLIS = 10_000;
    /** A status older than this is not trusted for replication series (the monitor writes every 5 s). */
    private static final Duration FRESH_STATUS = Duration.ofSeconds(30);
    private static final Set<String> RUNNING = Set.of("running", "streaming");
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMetrics.class);

    private final ClusterMembership membership;
    private final DatabaseService databases;
    private final HostService hosts;
    private final TaskService tasks;
    private final EngineBacklog engine;
    private final String hostId;

    private final MultiGauge databaseCount;
    private final MultiGauge databaseState;
    private final MultiGauge instanceCount;
    private final MultiGauge instanceState;
    private final MultiGauge instanceRole;
    private final MultiGauge instanceUp;
    private final MultiGauge subscriptionStatus;
    private final MultiGauge replicationLag;
    private final MultiGauge streamingLag;
    private final MultiGauge taskCount;
    private final MultiGauge openIncidents;
    private final MultiGauge externalTasks;
    private final MultiGauge hostState;
    private final MultiGauge componentHealthy;
    private final AtomicLong jobsDue = new AtomicLong();
    private final AtomicLong snapshotAt = new AtomicLong();

    public ClusterMetrics(ClusterMembership membership, DatabaseService databases, HostService hosts,
                          TaskService tasks, EngineBacklog engine, ControlPlaneConfig config, MeterRegistry registry) {
        this.membership = membership;
        this.databases = databases;
        this.hosts = hosts;
        this.tasks = tasks;
        this.engine = engine;
        this.hostId = config.hostId();
        databaseCount = gauge(registry, "controlplane.databases", "Databases by state (as the API shows it)");
        databaseState = gauge(registry, "controlplane.database.state", "1 for the state each database is in");
        instanceCount = gauge(registry, "controlplane.instances", "Instances by state (as the API shows it)");
        instanceState = gauge(registry, "controlplane.instance.state", "1 for the state each instance is in");
        instanceRole = gauge(registry, "controlplane.instance.role",
                "1 for the Patroni role of each instance (primary, replica; unknown without a status)");
        instanceUp = gauge(registry, "controlplane.instance.up",
                "1 while the instance's Patroni reports Postgres running in a fresh status, else 0");
        subscriptionStatus = gauge(registry, "controlplane.replication.subscription.status",
                "1 for the status of each replication subscription (replicating, initializing, down, disabled)");
        replicationLag = MultiGauge.builder("controlplane.replication.lag")
                .description("Bytes of the provider's WAL the subscriber's slot has not confirmed yet")
                .baseUnit("bytes").register(registry);
        streamingLag = MultiGauge.builder("controlplane.instance.replication.lag")
                .description("Bytes a replica's streaming replication is behind its node's primary (Patroni)")
                .baseUnit("bytes").register(registry);
        taskCount = gauge(registry, "controlplane.tasks",
                "Tasks by type and status (incident: waits on an incident, shown as failed by the API)");
        openIncidents = gauge(registry, "controlplane.incidents.open", "Open engine incidents by process and type");
        externalTasks = gauge(registry, "controlplane.engine.external.tasks",
                "Step runs (external tasks) waiting for a worker or locked by one");
        hostState = gauge(registry, "controlplane.host.state", "1 for the state of each host");
        componentHealthy = gauge(registry, "controlplane.host.component.healthy",
                "1 while the host reports the component (etcd, docker) healthy, 0 otherwise");
        Gauge.builder("controlplane.engine.jobs.due", jobsDue, AtomicLong::get)
                .description("Engine jobs (async continuations, timers) that are due and have retries left")
                .register(registry);
        Gauge.builder("controlplane.metrics.snapshot.timestamp", snapshotAt, a -> a.get() / 1000.0)
                .description("When this host last took the snapshot these series come from (Unix time)")
                .baseUnit("seconds").register(registry);
    }

    private static MultiGauge gauge(MeterRegistry registry, String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    @Scheduled(fixedDelay = REFRESH_MILLIS, initialDelay = 3_000)
    public void refresh() {
        if (!membership.isInitialized()) {
            return;
        }
        refreshCluster();
        refreshTasks();
        refreshEngine();
        snapshotAt.set(System.currentTimeMillis());
    }

    private void refreshCluster() {
        try {
            List<DatabaseDetails> all = databases.list();
            List<HostService.HostView> hostViews = hosts.list();
            databaseSeries(all);
            instanceSeries(all, Instant.now());
            hostSeries(hostViews);
        } catch (RuntimeException e) {
            // etcd does not answer this host: its series go away and this host says so
            LOG.warn("metrics: cannot read the cluster state: {}", e.getMessage());
            for (MultiGauge g : List.of(databaseCount, databaseState, instanceCount, instanceState, instanceRole,
                    instanceUp, subscriptionStatus, replicationLag, streamingLag, hostState)) {
                g.register(List.of(), true);
            }
            componentHealthy.register(List.of(MultiGauge.Row.of(Tags.of("host", hostId, "component", "etcd"), 0)),
                    true);
        }
    }

    private void databaseSeries(List<DatabaseDetails> all) {
        Map<DatabaseState, Integer> counts = new EnumMap<>(DatabaseState.class);
        for (DatabaseState s : DatabaseState.values()) {
            counts.put(s, 0);
        }
        List<MultiGauge.Row<?>> states = new ArrayList<>();
        for (DatabaseDetails d : all) {
            DatabaseState state = d.state();
            counts.merge(state, 1, Integer::sum);
            states.add(MultiGauge.Row.of(Tags.of("database", d.record().id(), "state", state.wireName()), 1));
        }
        databaseCount.register(counts.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("state", e.getKey().wireName()), e.getValue()))
                .toList(), true);
        databaseState.register(states, true);
    }

    private void instanceSeries(List<DatabaseDetails> all, Instant now) {
        Map<InstanceState, Integer> counts = new EnumMap<>(InstanceState.class);
        for (InstanceState s : InstanceState.values()) {
            counts.put(s, 0);
        }
        List<MultiGauge.Row<?>> states = new ArrayList<>();
        List<MultiGauge.Row<?>> roles = new ArrayList<>();
        List<MultiGauge.Row<?>> up = new ArrayList<>();
        List<MultiGauge.Row<?>> subscriptions = new ArrayList<>();
        List<MultiGauge.Row<?>> lag = new ArrayList<>();
        List<MultiGauge.Row<?>> streaming = new ArrayList<>();
        for (DatabaseDetails d : all) {
            String db = d.record().id();
            for (DatabaseDetails.InstanceDetails i : d.instances()) {
                Tags tags = Tags.of("database", db, "node", i.record().nodeName(), "instance_id", i.record().id(),
                        "host", i.record().hostId());
                counts.merge(i.state(), 1, Integer::sum);
                states.add(MultiGauge.Row.of(tags.and("state", i.state().wireName()), 1));
                InstanceStatus status = i.statusOrNull();
                boolean fresh = status != null && status.updatedAt() != null
                        && status.updatedAt().isAfter(now.minus(FRESH_STATUS));
                String role = fresh ? status.role().orElse("unknown") : "unknown";
                roles.add(MultiGauge.Row.of(tags.and("role", role), 1));
                up.add(MultiGauge.Row.of(tags, fresh && status.patroniState().filter(RUNNING::contains).isPresent()
                        ? 1 : 0));
                if (fresh && "replica".equals(role)) {
                    status.replicationLagBytes().ifPresent(bytes -> streaming.add(MultiGauge.Row.of(tags, bytes)));
                }
                if (!fresh || !"primary".equals(role) || status.spock().isEmpty()) {
                    continue;
                }
                // the primary of a node reports its subscriptions (it is their subscriber) and its slots' lag
                // (it is their provider)
                ReplicationStatus spock = status.spock().get();
                String node = i.record().nodeName();
                for (ReplicationStatus.SubscriptionStatus s : spock.subscriptions()) {
                    subscriptions.add(MultiGauge.Row.of(Tags.of("database", db, "provider_node", s.providerNode(),
                            "subscriber_node", node, "status", s.status() == null ? "unknown" : s.status()), 1));
                }
                spock.lagBytes().forEach((subscriber, bytes) -> lag.add(MultiGauge.Row.of(
                        Tags.of("database", db, "provider_node", node, "subscriber_node", subscriber), bytes)));
            }
        }
        instanceCount.register(counts.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("state", e.getKey().wireName()), e.getValue()))
                .toList(), true);
        instanceState.register(states, true);
        instanceRole.register(roles, true);
        instanceUp.register(up, true);
        subscriptionStatus.register(subscriptions, true);
        replicationLag.register(lag, true);
        streamingLag.register(streaming, true);
    }

    private void hostSeries(List<HostService.HostView> hostViews) {
        List<MultiGauge.Row<?>> states = new ArrayList<>();
        List<MultiGauge.Row<?>> components = new ArrayList<>();
        for (HostService.HostView h : hostViews) {
            String host = h.record().id();
            states.add(MultiGauge.Row.of(Tags.of("host", host, "state", h.state()), 1));
            boolean reachable = !"unreachable".equals(h.state());
            // an unreachable host reports nothing: its components count as unhealthy
            for (String component : List.of("etcd", "docker")) {
                var reported = h.components() == null ? null : h.components().get(component);
                if (reported != null || !reachable) {
                    components.add(MultiGauge.Row.of(Tags.of("host", host, "component", component),
                            reachable && reported.healthy() ? 1 : 0));
                }
            }
        }
        hostState.register(states, true);
        componentHealthy.register(components, true);
    }

    private void refreshTasks() {
        try {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            tasks.countsByTypeAndStatus().forEach((k, count) -> rows.add(MultiGauge.Row.of(
                    Tags.of("type", k.type(), "status", k.status().name().toLowerCase(Locale.ROOT)), count)));
            taskCount.register(rows, true);
        } catch (RuntimeException e) {
            LOG.warn("metrics: cannot count the tasks: {}", e.getMessage());
        }
    }

    private void refreshEngine() {
        try {
            EngineBacklog.Counts counts = engine.counts();
            List<MultiGauge.Row<?>> incidents = new ArrayList<>();
            counts.openIncidents().forEach((k, n) -> incidents.add(MultiGauge.Row.of(
                    Tags.of("process", k.process(), "incident_type", k.type()), n)));
            openIncidents.register(incidents, true);
            externalTasks.register(List.of(
                    MultiGauge.Row.of(Tags.of("state", "waiting"), counts.stepsWaiting()),
                    MultiGauge.Row.of(Tags.of("state", "locked"), counts.stepsLocked())), true);
            jobsDue.set(counts.jobsDue());
        } catch (RuntimeException e) {
            LOG.warn("metrics: cannot read the engine's backlog: {}", e.getMessage());
        }
    }
}
