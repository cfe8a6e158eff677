package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.support.ApiContract;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * pgEdge's OpenAPI document as the contract of our {@code /v1} API, end to end: two real server
 * processes (a server-mode host and a client-mode host) answer every operation they serve with its
 * success and with the errors the document lists for it (400, 401, 404, 409), including a host that was
 * killed, while {@link Http} validates every body against the document. The last test proves the
 * coverage from the servers' own list of operations. On the way a pgEdge-style spec (spock in
 * {@code shared_preload_libraries}, {@code spock_version}) creates a working database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiContractIT {

    private static final String ADMIN_PASSWORD = "contract-it-admin";
    private static final String DB = "contractdb";
    private static final String DB_PASSWORD = "contract-secret-1";
    private static final Duration OPERATION = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Random instance ports of each host come from its own range, away from the other e2e classes. */
    private static final int PORT_BASE = 25700;
    private static final String MISSING_TASK = "01900000-0000-7000-8000-000000000000";
    /** Statuses the document lists that cannot happen for an operation of ours, and why. */
    private static final Map<String, String> NOT_APPLICABLE = Map.ofEntries(
            Map.entry("list-database-tasks 404",
                    "lists the tasks of any database id, an empty list when it has none (as pgEdge)"),
            Map.entry("list-host-tasks 404",
                    "lists the tasks of any host id, an empty list when it has none (as pgEdge)"),
            // backups (P5): a success needs a backup repository; BackupIT validates these against the document
            Map.entry("backup-database-node 200",
                    "validated by BackupIT, which has a backup repository"),
            Map.entry("backup-database-node 409",
                    "validated by BackupIT (a backup while a restore runs)"),
            Map.entry("restore-database 200",
                    "validated by BackupIT, which has a backup repository"),
            Map.entry("restore-database 409",
                    "validated by BackupIT (a restore while a restore runs)"),
            // HA operations (P4b): a success needs a node with a replica; HaIT validates these against the document
            Map.entry("switchover-database-node 200",
                    "validated by HaIT, whose node n1 has a replica"),
            Map.entry("failover-database-node 200",
                    "validated by HaIT (after a kill of the primary's container)"),
            Map.entry("restart-instance 200",
                    "validated by HaIT"),
            Map.entry("stop-instance 200",
                    "validated by HaIT"),
            Map.entry("start-instance 200",
                    "validated by HaIT"),
            Map.entry("apply-upgrade 200",
                    "validated by HaIT, which tags a second image"));

    private static Path root;
    private static EngineDatabase engineDb;
    private static ServerProcess h1;
    private static ServerProcess h2;
    private static ApiContract.Recording recording;
    private static String createTaskId;

    @BeforeAll
    static void startTwoHostsBeforeInit() throws Exception {
        recording = ApiContract.get().startRecording();
        root = Files.createTempDirectory("cp-contract-it-");
        engineDb = EngineDatabase.start(root);
        h1 = host("host-1", "server", 0).start(Duration.ofSeconds(180));
        h2 = host("host-2", "client", 1).start(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stopEverything() {
        for (ServerProcess p : new ServerProcess[]{h1, h2}) {
            if (p != null) {
                p.close();
                p.killOrphanEtcd();
            }
        }
        Docker.removeDatabaseServices(DB);
        if (engineDb != null) {
            engineDb.close();
        }
        if (recording != null) {
            recording.close();
        }
        TestServer.deleteTree(root);
    }

    @Test
    @Order(1)
    void beforeInitEveryGatedOperationAnswersClusterNotInitialized() {
        assertThat(Http.get(h1.url("/v1/version")).status()).isEqualTo(200);
        for (ApiContract.Operation op : servedOperations(h1)) {
            if (Set.of("get-version", "init-cluster", "join-cluster").contains(op.id())) {
                continue;
            }
            Http.Response r = Http.raw(op.method(), h1.url(samplePath(op.path())), "application/json",
                    op.method().equals("POST") ? "{}" : null);
            assertThat(r.status()).as(op.id() + ": " + r.body()).isEqualTo(409);
            assertThat(r.json().path("name").asText()).isEqualTo("cluster_not_initialized");
        }
        Http.Response badClusterId = Http.get(h1.url("/v1/cluster/init?cluster_id=Not_An_Id"));
        assertThat(badClusterId.status()).as(badClusterId.body()).isEqualTo(400);
        Http.Response noToken = Http.post(h2.url("/v1/cluster/join"), "{\"server_urls\":[\"" + h1.url("") + "\"]}");
        assertThat(noToken.status()).as(noToken.body()).isEqualTo(400);
    }

    @Test
    @Order(2)
    void initJoinAndTheirErrors() {
        Http.Response init = Http.get(h1.url("/v1/cluster/init?cluster_id=contract-it"));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String token = init.json().path("token").asText();
        assertThat(Http.get(h1.url("/v1/cluster/init")).status()).isEqualTo(409);
        assertThat(Http.get(h1.url("/v1/cluster/join-token")).json().path("token").asText()).isEqualTo(token);

        String wrong = token.substring(0, token.length() - 32) + "0".repeat(32);
        Http.Response refused = join(h2, wrong);
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        Http.Response joined = join(h2, token);
        assertThat(joined.status()).as(joined.body()).isEqualTo(204);
        Http.Response again = join(h2, token);
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        waitForHealthyHosts(2);
    }

    @Test
    @Order(3)
    void hostsClusterAndHostTasksWithTheirErrors() throws Exception {
        JsonNode cluster = Http.get(h1.url("/v1/cluster")).json();
        assertThat(cluster.path("id").asText()).isEqualTo("contract-it");
        JsonNode host = Http.get(h2.url("/v1/hosts/host-1")).json();
        // spock_version is the pglogical version of the image, as its label says
        String label = Docker.run("image", "inspect", "--format",
                "{{index .Config.Labels \"io.controlplane.pglogical.version\"}}", "controlplane/postgres:15").get(0);
        assertThat(host.path("default_pgedge_version").path("spock_version").asText()).isEqualTo(label)
                .isNotEmpty();

        expect(Http.get(h1.url("/v1/hosts/Bad_Host")), 400);
        expect(Http.get(h1.url("/v1/hosts/no-such-host")), 404);
        expect(Http.get(h1.url("/v1/tasks")), 200);
        expect(Http.get(h1.url("/v1/tasks?scope=everything")), 400);
        expect(Http.get(h1.url("/v1/hosts/host-1/tasks")), 200);
        Http.Response unknownHostTasks = Http.get(h1.url("/v1/hosts/no-such-host/tasks"));
        expect(unknownHostTasks, 200);
        assertThat(unknownHostTasks.json().path("tasks")).as("see NOT_APPLICABLE").isEmpty();
        expect(Http.get(h1.url("/v1/hosts/Bad_Host/tasks")), 400);
        expect(Http.get(h1.url("/v1/hosts/host-1/tasks/not-a-uuid")), 400);
        expect(Http.get(h1.url("/v1/hosts/host-1/tasks/" + MISSING_TASK)), 404);
        expect(Http.get(h1.url("/v1/hosts/host-1/tasks/not-a-uuid/logs")), 400);
        expect(Http.get(h1.url("/v1/hosts/host-1/tasks/" + MISSING_TASK + "/logs")), 404);
    }

    @Test
    @Order(4)
    void aPgEdgeStyleSpecCreatesAWorkingDatabase() throws Exception {
        Http.Response created = Http.post(h1.url("/v1/databases"), createBody(Map.of()).toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        createTaskId = created.json().path("task").path("task_id").asText();
        JsonNode task = waitForTask(createTaskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(createTaskId)).isEqualTo("completed");
        JsonNode db = Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + DB)).json(),
                d -> d.path("state").asText().equals("available") && d.path("instances").size() == 1
                        && d.path("instances").get(0).path("state").asText().equals("available"), DB + " available");

        assertThat(db.path("spec").path("spock_version").asText()).isEqualTo("5");
        assertThat(db.path("spec").path("postgresql_conf").path("shared_preload_libraries").toString())
                .isEqualTo("[\"pg_stat_statements\",\"spock\"]");
        int port = db.path("instances").get(0).path("connection_info").path("port").asInt();
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            assertThat(string(s, "show shared_preload_libraries")).isEqualTo("pg_stat_statements,pglogical");
            s.execute("create extension if not exists pglogical");
            assertThat(string(s, "select extversion from pg_extension where extname = 'pglogical'"))
                    .isEqualTo(Http.get(h1.url("/v1/hosts/host-1")).json().path("default_pgedge_version")
                            .path("spock_version").asText());
            s.execute("create table orders (id int primary key, item text not null)");
            s.execute("insert into orders values (1, 'tea'), (2, 'cake')");
            assertThat(string(s, "select string_agg(item, ',' order by id) from orders")).isEqualTo("tea,cake");
        }
    }

    @Test
    @Order(5)
    void databaseReadsAndTheirErrors() {
        expect(Http.post(h1.url("/v1/databases"), createBody(Map.of()).toString()), 409);
        expect(Http.post(h1.url("/v1/databases"), "{\"spec\":{\"database_name\":\"x\",\"nodes\":[]}}"), 400);
        expect(Http.get(h1.url("/v1/databases")), 200);
        expect(Http.get(h1.url("/v1/databases/" + DB)), 200);
        expect(Http.get(h1.url("/v1/databases/Bad_Db")), 400);
        expect(Http.get(h1.url("/v1/databases/no-such-db")), 404);
        expect(Http.get(h1.url("/v1/databases/" + DB + "/tasks")), 200);
        expect(Http.get(h1.url("/v1/databases/Bad_Db/tasks")), 400);
        Http.Response unknownDatabaseTasks = Http.get(h1.url("/v1/databases/no-such-db/tasks"));
        expect(unknownDatabaseTasks, 200);
        assertThat(unknownDatabaseTasks.json().path("tasks")).as("see NOT_APPLICABLE").isEmpty();
        String task = "/v1/databases/" + DB + "/tasks/";
        expect(Http.get(h1.url(task + createTaskId)), 200);
        expect(Http.get(h1.url(task + "not-a-uuid")), 400);
        expect(Http.get(h1.url(task + MISSING_TASK)), 404);
        expect(Http.get(h1.url(task + createTaskId + "/log")), 200);
        expect(Http.get(h1.url(task + "not-a-uuid/log")), 400);
        expect(Http.get(h1.url(task + MISSING_TASK + "/log")), 404);
        Http.Response finished = Http.get(h1.url(task + createTaskId + "/cancel"));
        expect(finished, 400);
        assertThat(finished.json().path("message").asText()).isEqualTo("task must be running or pending to be cancelled");
        expect(Http.get(h1.url(task + MISSING_TASK + "/cancel")), 404);
        expect(Http.post(h1.url("/v1/databases/no-such-db"), createBody(Map.of()).toString()), 404);
        expect(Http.post(h1.url("/v1/databases/" + DB), "{\"spec\":{\"database_name\":\"app\",\"cpus\":\"0\","
                + "\"nodes\":[{\"name\":\"n1\",\"host_ids\":[\"host-1\"]}]}}"), 400);
        expect(Http.delete(h1.url("/v1/databases/Bad_Db")), 400);
        expect(Http.delete(h1.url("/v1/databases/no-such-db")), 404);
        // backups (P5): this database has no backup_config
        expect(Http.post(h1.url("/v1/databases/" + DB + "/nodes/n1/backups"), "{\"type\":\"full\"}"), 400);
        expect(Http.post(h1.url("/v1/databases/no-such-db/nodes/n1/backups"), "{\"type\":\"full\"}"), 404);
        expect(Http.post(h1.url("/v1/databases/" + DB + "/restore"), "{}"), 400);
        expect(Http.post(h1.url("/v1/databases/no-such-db/restore"), "{}"), 404);
        // HA operations (P4b): a malformed database id is a 400, an unknown database a 404
        for (String db : List.of("Bad_Db", "no-such-db")) {
            int status = db.equals("Bad_Db") ? 400 : 404;
            expect(Http.post(h1.url("/v1/databases/" + db + "/nodes/n1/switchover"), "{}"), status);
            expect(Http.post(h1.url("/v1/databases/" + db + "/nodes/n1/failover"), "{}"), status);
            expect(Http.post(h1.url("/v1/databases/" + db + "/instances/" + db + "-n1-abcdefgh/restart"), "{}"), status);
            expect(Http.post(h1.url("/v1/databases/" + db + "/instances/" + db + "-n1-abcdefgh/stop-instance"), ""),
                    status);
            expect(Http.post(h1.url("/v1/databases/" + db + "/instances/" + db + "-n1-abcdefgh/start-instance"), ""),
                    status);
            expect(Http.post(h1.url("/v1/databases/" + db + "/upgrade"), "{\"image\":\"controlplane/postgres:15\"}"),
                    status);
        }
    }

    @Test
    @Order(6)
    void anUpdateSentWithTheCreateBodyRunsAndConflictsAndCanBeCanceled() {
        String task = null;
        for (int attempt = 1; attempt <= 3 && task == null; attempt++) {
            // the create body, id included: pgEdge clients send it to update too
            Http.Response updated = Http.post(h1.url("/v1/databases/" + DB),
                    createBody(Map.of("work_mem", (8 * attempt) + "MB")).toString());
            expect(updated, 200);
            String updateTask = updated.json().path("task").path("task_id").asText();
            expect(Http.post(h1.url("/v1/databases/" + DB), createBody(Map.of()).toString()), 409);
            expect(Http.delete(h1.url("/v1/databases/" + DB)), 409);
            Http.Response cancel = Http.get(h1.url("/v1/databases/" + DB + "/tasks/" + updateTask + "/cancel"));
            if (cancel.status() == 200) {
                task = updateTask;
                assertThat(cancel.json().path("status").asText()).isIn("canceling", "canceled");
            } else {
                // the update was faster than the cancel: let it finish and try again
                expect(cancel, 400);
                waitForTask(updateTask);
            }
        }
        assertThat(task).as("an update still running when canceled").isNotNull();
        assertThat(waitForTask(task).path("status").asText()).isEqualTo("canceled");
        Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + DB)).json().path("state").asText(),
                s -> s.equals("failed"), DB + " failed after the canceled update");

        Http.Response deleted = Http.delete(h1.url("/v1/databases/" + DB));
        expect(deleted, 200);
        Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + DB)).status(), s -> s == 404, DB + " deleted");
        Poll.until(Duration.ofSeconds(60), () -> Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + DB,
                "--format", "{{.Name}}"), List::isEmpty, "no service of " + DB);
    }

    @Test
    @Order(7)
    void aKilledHostIsUnreachableWithItsLastStatusTimeAndIsRemoved() {
        h2.kill();
        Instant killedAt = Instant.now();
        JsonNode lost = Poll.until(Duration.ofSeconds(60), () -> Http.get(h1.url("/v1/hosts/host-2")).json(),
                h -> h.path("status").path("state").asText().equals("unreachable"), "host-2 unreachable");
        Instant lastSeen = Instant.parse(lost.path("status").path("updated_at").asText());
        assertThat(lastSeen).isBefore(killedAt.plusSeconds(1)).isAfter(killedAt.minusSeconds(60));
        JsonNode listed = Http.get(h1.url("/v1/hosts")).json().path("hosts");
        assertThat(StreamSupport.stream(listed.spliterator(), false)
                .filter(h -> h.path("id").asText().equals("host-2")).findFirst().orElseThrow()
                .path("status").path("updated_at").asText()).isEqualTo(lost.path("status").path("updated_at").asText());
        expect(Http.get(h1.url("/v1/cluster")), 200);

        expect(Http.delete(h1.url("/v1/hosts/host-1")), 400);
        expect(Http.delete(h1.url("/v1/hosts/no-such-host")), 404);
        Http.Response removal = Http.delete(h1.url("/v1/hosts/host-2"));
        expect(removal, 200);
        String taskId = removal.json().path("task").path("task_id").asText();
        JsonNode task = Poll.until(OPERATION, () -> Http.get(h1.url("/v1/hosts/host-2/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed"), "remove-host task done");
        assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("completed");
        expect(Http.get(h1.url("/v1/hosts/host-2/tasks/" + taskId + "/logs")), 200);
        expect(Http.get(h1.url("/v1/hosts/host-2/tasks")), 200);
        expect(Http.get(h1.url("/v1/hosts/host-2")), 404);
    }

    /**
     * The proof: every operation the server serves (its own OpenAPI document) is one of pgEdge's and was
     * validated in this class with its success and with every error status pgEdge lists for it among 400,
     * 401, 404 and 409, except the ones in {@link #NOT_APPLICABLE}.
     */
    @Test
    @Order(8)
    void everyServedOperationWasCheckedWithItsSuccessAndItsErrors() {
        List<ApiContract.Operation> served = servedOperations(h1);
        Set<ApiContract.Checked> checked = recording.checked();
        Map<String, List<Integer>> missing = ApiContract.uncovered(served, checked,
                status -> status < 300 || Set.of(400, 401, 404, 409).contains(status), NOT_APPLICABLE.keySet());
        assertThat(served).hasSizeGreaterThanOrEqualTo(21);
        assertThat(missing).as("operations and statuses never validated; validated: " + new TreeSet<>(
                checked.stream().map(ApiContract.Checked::toString).toList())).isEmpty();
        System.out.printf("MEASURED: %d operations served, %d (operation, status) pairs validated%n", served.size(),
                checked.size());
    }

    // --- helpers ---

    /** The operations the server lists in its own OpenAPI document, as pgEdge's document defines them. */
    private static List<ApiContract.Operation> servedOperations(ServerProcess h) {
        JsonNode paths = Http.get(h.url("/v1/openapi.json")).json().path("paths");
        List<ApiContract.Operation> out = new ArrayList<>();
        paths.fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            String id = m.getValue().path("operationId").asText();
            if (StreamSupport.stream(m.getValue().path("tags").spliterator(), false)
                    .anyMatch(t -> t.asText().equals("Extensions"))) {
                return; // ours, tagged and listed in docs/api.md under "Extensions"; not pgEdge's operations
            }
            ApiContract.Operation op = ApiContract.get().operation(id).orElseThrow(() -> new AssertionError(
                    "we serve " + m.getKey().toUpperCase() + " " + p.getKey() + " (" + id + "), which pgEdge's"
                            + " document does not define"));
            assertThat(op.method() + " " + op.path()).as(id).isEqualTo(m.getKey().toUpperCase() + " " + p.getKey());
            out.add(op);
        }));
        return out;
    }

    /** A concrete path for a document path, its parameters filled with well-formed values. */
    private static String samplePath(String template) {
        return template.replace("{database_id}", "db1").replace("{host_id}", "host-9")
                .replace("{task_id}", MISSING_TASK).replace("{instance_id}", "db1-n1-abcdefgh")
                .replace("{node_name}", "n1");
    }

    private static ObjectNode createBody(Map<String, String> conf) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", DB);
        ObjectNode spec = AppDatabase.spec(DB_PASSWORD);
        body.set("spec", spec);
        spec.put("spock_version", "5");
        ObjectNode pgConf = spec.putObject("postgresql_conf");
        pgConf.putArray("shared_preload_libraries").add("pg_stat_statements").add("spock");
        conf.forEach(pgConf::put);
        ObjectNode node = spec.putArray("nodes").addObject();
        node.put("name", "n1");
        node.putArray("host_ids").add("host-1");
        return body;
    }

    private static void expect(Http.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
    }

    private static Http.Response join(ServerProcess joiner, String token) {
        return Http.post(joiner.url("/v1/cluster/join"),
                "{\"token\":\"" + token + "\",\"server_urls\":[\"" + h1.url("") + "\"]}");
    }

    private static void waitForHealthyHosts(int count) {
        Poll.until(Duration.ofSeconds(90), () -> Http.get(h1.url("/v1/hosts")).json().path("hosts"),
                hosts -> hosts.size() == count && StreamSupport.stream(hosts.spliterator(), false)
                        .allMatch(x -> x.path("status").path("state").asText().equals("healthy")),
                count + " healthy hosts");
    }

    private static JsonNode waitForTask(String taskId) {
        return Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + DB + "/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed|canceled"), "task " + taskId + " done");
    }

    private static String taskLog(String taskId) {
        List<String> out = new ArrayList<>();
        Http.get(h1.url("/v1/databases/" + DB + "/tasks/" + taskId + "/log")).json().path("entries")
                .forEach(e -> out.add(e.path("message").asText()));
        return String.join("\n", out);
    }

    private static ServerProcess host(String id, String etcdMode, int index) {
        Map<String, String> env = new LinkedHashMap<>(
                ServerProcess.clusterEnv(id, etcdMode, engineDb.jdbcUrl(), ADMIN_PASSWORD));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE + 100 * index));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 100 * index + 99));
        return new ServerProcess(root.resolve(id), TestServer.freePort(), env);
    }

    private static Connection connect(int port) throws SQLException {
        return AppDatabase.connect(port, DB_PASSWORD, 30);
    }

    private static String string(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

}
