package io.controlplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cluster.ClusterMembership;
import io.controlplane.cluster.HostService;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.InstanceStatus;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.StepWorker;
import io.controlplane.replication.ReplicationStatus;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.PrometheusText;
import io.controlplane.support.TestServer;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster series at {@code /actuator/prometheus} of the shared test server (real engine, task table and
 * embedded etcd): tasks and steps of the test process {@code test-failure-policy}, an open incident, and a
 * database whose records and monitor statuses are written to etcd as the operations and the instance
 * monitor write them. MetricsIT reads the same series from a real two-node database.
 */
class ClusterMetricsTest {

    private static final String DB = "metrics-test-db";
    private static TestServer server;
    private static OperationRunner runner;
    private static DatabaseStore store;

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        server.bean(ClusterMembership.class).markInitialized();
        runner = server.bean(OperationRunner.class);
        store = server.bean(DatabaseStore.class);
    }

    @AfterAll
    static void removeDatabase() {
        store.deleteDatabase(DB);
    }

    @Test
    void tasksStepsAndIncidentsAreCountedWithTheirTypeHandlerAndOutcome() {
        Task completed = start("transient-twice");
        Task waiting = start("transient-always");
        TaskService tasks = server.bean(TaskService.class);
        Poll.until(Duration.ofSeconds(30), () -> tasks.find(completed.getTaskId()).orElseThrow().getStatus(),
                s -> s == TaskStatus.COMPLETED, "task completed");
        Poll.until(Duration.ofSeconds(60), () -> tasks.find(waiting.getTaskId()).orElseThrow().getStatus(),
                s -> s == TaskStatus.INCIDENT, "task waits on an incident");
        try {
            PrometheusText metrics = scrape();

            // the gauges count every task in the table: at least ours
            assertThat(metrics.value("controlplane_tasks", Map.of("type", "test", "status", "completed")))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
            assertThat(metrics.value("controlplane_tasks", Map.of("type", "test", "status", "incident")))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
            assertThat(metrics.value("controlplane_task_duration_seconds_count",
                    Map.of("type", "test", "status", "completed")))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
            // transient-twice: two transient failures, then success; transient-always: four transient failures
            Map<String, String> success = Map.of("handler", "testFailAsTold", "outcome", "success");
            Map<String, String> transientFailure = Map.of("handler", "testFailAsTold", "outcome", "transient");
            assertThat(metrics.value("controlplane_step_duration_seconds_count", success))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
            assertThat(metrics.value("controlplane_step_duration_seconds_count", transientFailure))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(6));
            assertThat(metrics.samples("controlplane_step_duration_seconds_bucket", success))
                    .as("a histogram with buckets").hasSizeGreaterThan(5)
                    .anySatisfy(b -> assertThat(b.labels().get("le")).isEqualTo("+Inf"));
            assertThat(metrics.value("controlplane_incidents_open",
                    Map.of("process", "test-failure-policy", "incident_type", "failedExternalTask")))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
            assertThat(metrics.samples("controlplane_engine_jobs_due")).hasSize(1);
            assertThat(metrics.samples("controlplane_engine_external_tasks")).extracting(s -> s.labels().get("state"))
                    .containsExactlyInAnyOrder("waiting", "locked");
        } finally {
            runner.cancel(waiting.getTaskId());
        }
        Poll.until(Duration.ofSeconds(30), () -> server.bean(RuntimeService.class).createIncidentQuery()
                .processInstanceId(waiting.getProcessInstanceId()).count(), n -> n == 0, "incident gone with the cancel");
        assertThat(scrape().value("controlplane_tasks", Map.of("type", "test", "status", "canceled")))
                .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
    }

    @Test
    void databaseInstanceReplicationAndHostSeriesComeFromTheClusterState() throws Exception {
        putTwoNodeDatabase();
        // the heartbeat every host writes every 3 s (the test server's cluster was initialized after its start)
        server.bean(HostService.class).beat();

        PrometheusText metrics = scrape();

        assertThat(metrics.value("controlplane_database_state", Map.of("database", DB, "state", "degraded")))
                .contains(1.0);
        assertThat(metrics.value("controlplane_databases", Map.of("state", "degraded")))
                .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
        Map<String, String> n1 = Map.of("database", DB, "node", "n1", "instance_id", DB + "-n1-x", "host",
                TestServer.HOST_ID);
        Map<String, String> n2 = Map.of("database", DB, "node", "n2", "instance_id", DB + "-n2-x");
        assertThat(metrics.value("controlplane_instance_up", n1)).contains(1.0);
        assertThat(metrics.value("controlplane_instance_up", n2)).contains(0.0);
        assertThat(metrics.samples("controlplane_instance_state", n1)).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("state", "available"));
        assertThat(metrics.samples("controlplane_instance_state", n2)).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("state", "unknown"));
        assertThat(metrics.samples("controlplane_instance_role", n1)).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("role", "primary"));
        assertThat(metrics.value("controlplane_replication_subscription_status", Map.of("database", DB,
                "provider_node", "n2", "subscriber_node", "n1", "status", "replicating"))).contains(1.0);
        assertThat(metrics.value("controlplane_replication_lag_bytes", Map.of("database", DB,
                "provider_node", "n1", "subscriber_node", "n2"))).contains(4096.0);
        assertThat(metrics.samples("controlplane_instance_replication_lag_bytes", Map.of("database", DB)))
                .as("only the replica has a streaming lag").singleElement().satisfies(s -> {
                    assertThat(s.labels()).containsEntry("instance_id", DB + "-n1-y").containsEntry("node", "n1");
                    assertThat(s.value()).isEqualTo(2048.0);
                });
        assertThat(metrics.value("controlplane_host_component_healthy", Map.of("host", TestServer.HOST_ID,
                "component", "etcd"))).contains(1.0);
        assertThat(metrics.value("controlplane_host_state", Map.of("host", TestServer.HOST_ID, "state", "healthy")))
                .contains(1.0);

        store.deleteDatabase(DB);
        PrometheusText after = scrape();
        assertThat(after.samples("controlplane_database_state", Map.of("database", DB))).isEmpty();
        assertThat(after.samples("controlplane_replication_lag_bytes", Map.of("database", DB))).isEmpty();
        assertThat(after.samples("controlplane_instance_replication_lag_bytes", Map.of("database", DB))).isEmpty();
    }

    /**
     * Every {@code controlplane_*} series the dashboard and the alert rules read is one the server exports,
     * with every kind of series present: a completed task and step, an open incident, a two-node database.
     */
    @Test
    void dashboardAndAlertRulesReadOnlySeriesTheServerExports() throws Exception {
        Task completed = start("transient-twice");
        Task waiting = start("transient-always");
        TaskService tasks = server.bean(TaskService.class);
        try {
            Poll.until(Duration.ofSeconds(30), () -> tasks.find(completed.getTaskId()).orElseThrow().getStatus(),
                    s -> s == TaskStatus.COMPLETED, "task completed");
            Poll.until(Duration.ofSeconds(60), () -> tasks.find(waiting.getTaskId()).orElseThrow().getStatus(),
                    s -> s == TaskStatus.INCIDENT, "task waits on an incident");
            putTwoNodeDatabase();
            server.bean(HostService.class).beat();

            java.util.Set<String> exported = new java.util.TreeSet<>();
            scrape().samples().forEach(sample -> exported.add(sample.name()));

            assertThat(MonitoringDocs.referencedMetricNames()).hasSizeGreaterThan(10).isSubsetOf(exported);
        } finally {
            runner.cancel(waiting.getTaskId());
            store.deleteDatabase(DB);
        }
    }

    /** A two-node database as the operations and the instance monitor leave it in etcd; n2 does not answer. */
    private static void putTwoNodeDatabase() throws Exception {
        DatabaseSpec spec = new SpecParser().parseSpec(new ObjectMapper().readTree("""
                {"database_name": "app", "nodes": [{"name": "n1", "host_ids": ["test-host"]},
                                                   {"name": "n2", "host_ids": ["test-host"]}]}""")).value().orElseThrow();
        Instant now = Instant.now();
        store.create(new DatabaseRecord(DB, null, DatabaseState.AVAILABLE, now, now, null), spec);
        store.putInstance(new InstanceRecord(DB + "-n1-x", DB, TestServer.HOST_ID, "n1", InstanceState.AVAILABLE,
                6001, 8001, now, now, null));
        store.putInstance(new InstanceRecord(DB + "-n2-x", DB, TestServer.HOST_ID, "n2", InstanceState.AVAILABLE,
                6002, 8002, now, now, null));
        store.putStatus(DB, DB + "-n1-x", new InstanceStatus("running", "primary", false, "15.8", null, null,
                Instant.now(), false, new ReplicationStatus("off", "2.4.5",
                List.of(new ReplicationStatus.SubscriptionStatus("sub_n2_n1", "n2", "replicating")),
                Map.of("n2", 4096L))));
        // n1 also has a streaming replica, 2048 bytes behind
        store.putInstance(new InstanceRecord(DB + "-n1-y", DB, TestServer.HOST_ID, "n1", InstanceState.AVAILABLE,
                6003, 8003, now, now, null));
        store.putStatus(DB, DB + "-n1-y", new InstanceStatus("streaming", "replica", false, "15.8", null, null,
                Instant.now(), false, null, 2048L));
        // n2's Patroni does not answer: down, and the database reads degraded
        store.putStatus(DB, DB + "-n2-x", new InstanceStatus(null, null, false, null, null,
                "Patroni does not answer on port 8002", Instant.now()));
    }

    private static PrometheusText scrape() {
        // what the schedule does every 10 s, now
        server.bean(ClusterMetrics.class).refresh();
        Http.Response r = Http.get(server.url("/actuator/prometheus"));
        assertThat(r.status()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    private static Task start(String mode) {
        Task task = runner.start(NewTask.forDatabase("metrics-db", "test"), "test-failure-policy", Map.of("mode", mode));
        server.bean(StepWorker.class).wake();
        return task;
    }
}
