package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.PrometheusText;
import io.controlplane.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus series of docs/metrics.md against a real two-node database (one host, embedded etcd,
 * Swarm services with Patroni and Postgres, pglogical replicating both ways): every series with the labels
 * and values that database has, read from {@code /actuator/prometheus}; the lag of a pair grows while its
 * subscriber does not apply and falls once it does; after the delete the database's series are gone.
 */
class MetricsIT {

    private static JsonNode subscriptionOfN2ToN1() {
        for (JsonNode i : Http.get(h1.url("/v1/databases/" + DB)).json().path("instances")) {
            for (JsonNode sub : i.path("spock").path("subscriptions")) {
                if ("n2".equals(i.path("node_name").asText()) && "n1".equals(sub.path("provider_node").asText())) {
                    return sub;
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static final String ADMIN_PASSWORD = "metrics-it-admin";
    private static final String DB_PASSWORD = "metrics-secret-1";
    private static final String DB = "metrics1";
    private static final String HOST = "host-1";
    private static final Duration OPERATION = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT_BASE = 26400;

    private static Path root;
    private static ServerProcess h1;

    @BeforeAll
    static void startHost() throws Exception {
        root = Files.createTempDirectory("cp-metrics-it-");
        Map<String, String> env = ServerProcess.clusterEnv(HOST, "server", "", ADMIN_PASSWORD);
        // one host: the engine keeps its default H2 database under the data dir
        env.remove("CONTROL_PLANE_ENGINE__DATASOURCE__URL");
        env.remove("CONTROL_PLANE_ENGINE__DATASOURCE__USERNAME");
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 99));
        h1 = new ServerProcess(root.resolve(HOST), TestServer.freePort(), env).start(Duration.ofSeconds(180));
        h1.initSingleHostCluster("metrics-it-cluster");
    }

    @AfterAll
    static void stopEverything() {
        if (h1 != null) {
            h1.close();
            h1.killOrphanEtcd();
        }
        Docker.removeDatabaseServices(DB);
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    @Test
    void everySeriesOfATwoNodeDatabaseHasItsLabelsAndValues() throws SQLException {
        Http.Response created = Http.post(h1.url("/v1/databases"), body().toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String createTask = created.json().path("task").path("task_id").asText();
        assertThat(waitForTask(createTask).path("status").asText()).as(h1.outputTail()).isEqualTo("completed");

        // the monitor writes statuses every 5 s, the metrics snapshot is taken every 10 s
        PrometheusText metrics = Poll.until(Duration.ofSeconds(90), MetricsIT::scrape,
                m -> m.value("controlplane_replication_subscription_status", pair("n2", "n1", "replicating"))
                        .isPresent()
                        && m.value("controlplane_replication_subscription_status", pair("n1", "n2", "replicating"))
                        .isPresent()
                        && m.samples("controlplane_replication_lag_bytes", Map.of("database", DB)).size() == 2
                        && m.samples("controlplane_instance_role", Map.of("database", DB, "role", "primary")).size() == 2,
                "replication series of both pairs");

        metrics.samples("controlplane_replication_lag_bytes", Map.of("database", DB))
                .forEach(s -> System.out.println("MetricsIT lag " + s.labels() + " = " + s.value()));
        assertThat(metrics.value("controlplane_database_state", Map.of("database", DB, "state", "available")))
                .contains(1.0);
        assertThat(metrics.value("controlplane_databases", Map.of("state", "available"))).contains(1.0);
        assertThat(metrics.value("controlplane_databases", Map.of("state", "failed"))).contains(0.0);
        assertThat(metrics.value("controlplane_instances", Map.of("state", "available"))).contains(2.0);
        for (String node : List.of("n1", "n2")) {
            Map<String, String> instance = Map.of("database", DB, "node", node, "host", HOST);
            assertThat(metrics.samples("controlplane_instance_state", instance)).singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("state", "available")
                            .hasEntrySatisfying("instance_id", id -> assertThat(id).startsWith(DB + "-" + node + "-")));
            assertThat(metrics.samples("controlplane_instance_role", instance)).singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("role", "primary"));
            assertThat(metrics.value("controlplane_instance_up", instance)).contains(1.0);
        }
        for (String[] pair : List.of(new String[] {"n1", "n2"}, new String[] {"n2", "n1"})) {
            assertThat(metrics.samples("controlplane_replication_subscription_status", pair(pair[0], pair[1], null)))
                    .as("one status per pair").singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("status", "replicating"));
            // an idle pair: the subscriber confirmed (almost) everything of the provider's WAL
            assertThat(metrics.value("controlplane_replication_lag_bytes", pair(pair[0], pair[1], null)))
                    .hasValueSatisfying(bytes -> assertThat(bytes).isBetween(0.0, 16.0 * 1024 * 1024));
        }
        assertThat(metrics.value("controlplane_tasks", Map.of("type", "create", "status", "completed"))).contains(1.0);
        assertThat(metrics.value("controlplane_task_duration_seconds_count",
                Map.of("type", "create", "status", "completed"))).contains(1.0);
        assertThat(metrics.value("controlplane_task_duration_seconds_sum",
                Map.of("type", "create", "status", "completed")))
                .hasValueSatisfying(seconds -> assertThat(seconds).isPositive());
        // one subscription per node: createSubscriptions ran once for each
        Map<String, String> subscriptions = Map.of("handler", "createSubscriptions", "outcome", "success");
        assertThat(metrics.value("controlplane_step_duration_seconds_count", subscriptions)).contains(2.0);
        assertThat(metrics.samples("controlplane_step_duration_seconds_bucket", subscriptions))
                .anySatisfy(b -> assertThat(b.labels()).containsEntry("le", "+Inf"))
                .allSatisfy(b -> assertThat(b.value()).isLessThanOrEqualTo(2.0));
        assertThat(metrics.value("controlplane_step_duration_seconds_count",
                Map.of("handler", "createSwarmService", "outcome", "success"))).contains(2.0);
        assertThat(metrics.samples("controlplane_incidents_open")).isEmpty();
        assertThat(metrics.value("controlplane_engine_jobs_due", Map.of())).isPresent();
        assertThat(metrics.value("controlplane_engine_external_tasks", Map.of("state", "locked"))).isPresent();
        assertThat(metrics.value("controlplane_host_component_healthy", Map.of("host", HOST, "component", "etcd")))
                .contains(1.0);
        assertThat(metrics.value("controlplane_host_component_healthy", Map.of("host", HOST, "component", "docker")))
                .contains(1.0);
        assertThat(metrics.value("controlplane_host_state", Map.of("host", HOST, "state", "healthy"))).contains(1.0);
        assertThat(metrics.value("controlplane_metrics_snapshot_timestamp_seconds", Map.of()))
                .hasValueSatisfying(t -> assertThat(t).isGreaterThan(System.currentTimeMillis() / 1000.0 - 60));

        // a subscriber that stops applying falls behind while its provider writes, and catches up once it applies
        Map<String, String> n1ToN2 = pair("n1", "n2", null);
        try (Connection n1 = connect(port("n1")); Connection n2 = connect(port("n2"));
             Statement s1 = n1.createStatement(); Statement s2 = n2.createStatement()) {
            s2.execute("SELECT pglogical.alter_subscription_disable('sub_n1_n2', true)");
            try {
                s1.execute("CREATE TABLE lag_probe (id int PRIMARY KEY, pad text)");
                s1.execute("INSERT INTO lag_probe SELECT g, repeat('x', 500) FROM generate_series(1, 20000) g");
                PrometheusText behind = Poll.until(Duration.ofSeconds(60), MetricsIT::scrape,
                        m -> m.value("controlplane_replication_lag_bytes", n1ToN2).orElse(0.0) > 5_000_000,
                        "lag of n1 → n2 above 5 MB");
                System.out.println("MetricsIT lag while n2 does not apply: "
                        + behind.value("controlplane_replication_lag_bytes", n1ToN2).orElseThrow());
                assertThat(behind.value("controlplane_replication_subscription_status",
                        pair("n1", "n2", "disabled"))).contains(1.0);
                // the API shows the same lag on n2's subscription to n1 (an extension of pgEdge's block)
                Poll.until(Duration.ofSeconds(30), MetricsIT::subscriptionOfN2ToN1,
                        sub -> sub.path("lag_bytes").asLong(0) > 5_000_000, "lag_bytes of sub_n1_n2 in the API");
            } finally {
                s2.execute("SELECT pglogical.alter_subscription_enable('sub_n1_n2', true)");
            }
            PrometheusText caughtUp = Poll.until(Duration.ofSeconds(90), MetricsIT::scrape,
                    m -> m.value("controlplane_replication_lag_bytes", n1ToN2).orElse(Double.MAX_VALUE) < 1_000_000
                            && m.value("controlplane_replication_subscription_status", pair("n1", "n2", "replicating"))
                            .isPresent(), "n2 caught up with n1");
            System.out.println("MetricsIT lag after catching up: "
                    + caughtUp.value("controlplane_replication_lag_bytes", n1ToN2).orElseThrow());
        }

        Http.Response deleted = Http.delete(h1.url("/v1/databases/" + DB));
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        String deleteTask = deleted.json().path("task").path("task_id").asText();
        assertThat(waitForTask(deleteTask).path("status").asText()).isEqualTo("completed");
        // a snapshot refreshes the databases' series before the tasks': wait for one taken after the delete ended
        PrometheusText after = Poll.until(Duration.ofSeconds(30), MetricsIT::scrape,
                m -> m.samples("controlplane_database_state", Map.of("database", DB)).isEmpty()
                        && m.value("controlplane_tasks", Map.of("type", "delete", "status", "completed")).isPresent(),
                "series of " + DB + " gone and its delete task counted");
        assertThat(after.samples("controlplane_instance_state", Map.of("database", DB))).isEmpty();
        assertThat(after.samples("controlplane_replication_lag_bytes", Map.of("database", DB))).isEmpty();
        assertThat(after.value("controlplane_tasks", Map.of("type", "delete", "status", "completed"))).contains(1.0);
        assertThat(after.value("controlplane_instances", Map.of("state", "available"))).contains(0.0);
    }

    /** The port of the node's primary, from the API. */
    private static int port(String node) {
        for (JsonNode i : Http.get(h1.url("/v1/databases/" + DB)).json().path("instances")) {
            if (i.path("node_name").asText().equals(node)) {
                return i.path("connection_info").path("port").asInt();
            }
        }
        throw new AssertionError("no instance of node " + node);
    }

    private static Connection connect(int port) throws SQLException {
        return AppDatabase.connect(port, DB_PASSWORD, 60);
    }

    private static Map<String, String> pair(String provider, String subscriber, String status) {
        return status == null ? Map.of("database", DB, "provider_node", provider, "subscriber_node", subscriber)
                : Map.of("database", DB, "provider_node", provider, "subscriber_node", subscriber, "status", status);
    }

    private static PrometheusText scrape() {
        Http.Response r = Http.get(h1.url("/actuator/prometheus"));
        assertThat(r.status()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    private static ObjectNode body() {
        ObjectNode spec = AppDatabase.spec(DB_PASSWORD);
        ArrayNode nodes = spec.putArray("nodes");
        for (String name : List.of("n1", "n2")) {
            nodes.addObject().put("name", name).putArray("host_ids").add(HOST);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", DB);
        body.set("spec", spec);
        return body;
    }

    private static JsonNode waitForTask(String taskId) {
        return Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + DB + "/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed|canceled"), DB + " task " + taskId + " done");
    }

}
