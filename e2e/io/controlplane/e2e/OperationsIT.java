package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdCredentials;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.etcd.pki.CertificateBundle;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.resource.InstanceIds;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Cockpit-first operations end to end on one real host (embedded etcd, Swarm services with Patroni and
 * Postgres): a failed step that the task shows and a retry resumes, BPMN deployed from
 * {@code processes_dir} without a restart (and refused when invalid), dry-run plans, ops engineers'
 * operations, starts over {@code /engine-rest}, a canceled create that cleans up after itself, and an
 * approval step in delete-database. The methods run in order and share the database {@value #DB}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {

    private static final String ADMIN_PASSWORD = "operations-it-admin";
    private static final String DB_PASSWORD = "ops-secret-1";
    private static final String DB = "ops1";
    private static final String CANCELED_DB = "opscancel";
    private static final String HOST = "host-1";
    private static final Duration OPERATION = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient ENGINE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Random ports of the host come from here; the fixed port of n1 lies outside. */
    private static final int PORT_BASE = 26100;

    private static Path root;
    private static Path processesDir;
    private static ServerProcess h1;
    /** The fixed Postgres port of node n1 of {@value #DB}. */
    private static int n1Port;

    @BeforeAll
    static void startHost() throws Exception {
        root = Files.createTempDirectory("cp-operations-it-");
        processesDir = root.resolve("processes");
        Files.createDirectories(processesDir);
        Map<String, String> env = ServerProcess.clusterEnv(HOST, "server", "", ADMIN_PASSWORD);
        // one host: the engine keeps its default H2 database under the data dir
        env.remove("CONTROL_PLANE_ENGINE__DATASOURCE__URL");
        env.remove("CONTROL_PLANE_ENGINE__DATASOURCE__USERNAME");
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 99));
        env.put("CONTROL_PLANE_ENGINE__PROCESSES_DIR", processesDir.toString());
        h1 = new ServerProcess(root.resolve(HOST), TestServer.freePort(), env).start(Duration.ofSeconds(180));
        h1.initSingleHostCluster("ops-it-cluster");
    }

    @AfterAll
    static void stopEverything() {
        if (h1 != null) {
            h1.close();
            h1.killOrphanEtcd();
        }
        Docker.removeDatabaseServices(List.of(DB, CANCELED_DB));
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    // (1) a permanent failure reads failed at once; a retry over the API resumes from the failed step

    @Test
    @Order(1)
    void permanentFailureReadsFailedAndARetryResumesFromTheFailedStep() throws Exception {
        n1Port = freePortOutsideRange();
        String taskId;
        try (ServerSocket foreign = new ServerSocket()) {
            foreign.setReuseAddress(false);
            foreign.bind(new InetSocketAddress("127.0.0.1", n1Port));

            Http.Response created = Http.post(h1.url("/v1/databases"), body(DB, spec(false, null)).toString());
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            taskId = created.json().path("task").path("task_id").asText();
            long started = System.nanoTime();

            JsonNode failed = Poll.until(Duration.ofSeconds(60), () -> task(DB, taskId),
                    t -> !t.path("status").asText().matches("pending|running"), "task " + taskId + " leaves running");
            System.out.printf("MEASURED: task read failed %.1f s after the create%n", (System.nanoTime() - started) / 1e9);
            assertThat(failed.path("status").asText()).as(failed + "\n" + taskLog(DB, taskId)).isEqualTo("failed");
            assertThat(failed.path("error").asText()).contains("Allocate ports")
                    .contains("port " + n1Port + " on host host-1 is in use by a process the control plane does not manage");
            JsonNode database = database(DB);
            assertThat(database.path("state").asText()).as(database.toString()).isEqualTo("failed");

            JsonNode incidents = engineGet("/engine-rest/incident");
            // the incident on the step itself (its callers' call activities carry one each, caused by it)
            List<JsonNode> ours = StreamSupport.stream(incidents.spliterator(), false)
                    .filter(i -> i.path("activityId").asText().equals("allocatePorts")).toList();
            assertThat(ours).as(incidents.toString()).hasSize(1);
            assertThat(ours.get(0).path("incidentMessage").asText()).contains("port " + n1Port);
            assertThat(ours.get(0).path("incidentType").asText()).isEqualTo("failedExternalTask");
        }

        // the port is free now: retry through the API
        Http.Response retried = Http.post(h1.url("/v1/databases/" + DB + "/tasks/" + taskId + "/retry"), "");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("status").asText()).isEqualTo("running");
        assertThat(retried.json().path("error").isMissingNode() || retried.json().path("error").isNull()).isTrue();

        JsonNode done = waitForTask(DB, taskId);
        assertThat(done.path("status").asText()).as(done + "\n" + taskLog(DB, taskId)).isEqualTo("completed");
        waitForDatabase(DB, 2);
        assertThat(engineGet("/engine-rest/incident?processInstanceId=" + done.path("process_instance_id").asText()))
                .isEmpty();

        List<String> log = logMessages(DB, taskId);
        assertThat(log).anyMatch(m -> m.startsWith("task failed: Allocate ports failed: port " + n1Port));
        assertThat(log).anyMatch(m -> m.matches("Allocate ports retried by api at \\S+: the task runs again"));
        // the steps before the failed one ran once; only the failed step ran again
        assertThat(count(log, "started Plan instances")).as(String.join("\n", log)).isEqualTo(1);
        assertThat(log.stream().filter(m -> m.startsWith("failed Allocate ports: port " + n1Port))).hasSize(1);
        assertThat(count(log, "started Allocate ports")).as(String.join("\n", log)).isEqualTo(3);
        assertThat(count(log, "started Create Swarm service")).as(String.join("\n", log)).isEqualTo(2);
        assertThat(count(log, "started Create users, database and run scripts")).isEqualTo(2);
    }

    // (3) BPMN files in processes_dir: checked, then deployed without a restart

    @Test
    @Order(2)
    void processesDirDeploysCheckedVersionsAndRefusesAnInvalidOne() throws Exception {
        int before = latestVersion("delete-database");
        String original = Files.readString(Path.of("processes", "delete-database.bpmn"));
        String invalid = original.replace("camunda:topic=\"deleteDatabaseRecords@${requestHost}\"",
                "camunda:topic=\"deleteDatabaseRecordz@${requestHost}\"");
        assertThat(invalid).isNotEqualTo(original);
        Files.writeString(processesDir.resolve("delete-database.bpmn"), invalid);

        Http.Response refused = Http.post(h1.url("/v1/processes/deploy"), "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        String message = refused.json().path("message").asText();
        assertThat(message).contains("delete-database.bpmn").contains("deleteDatabaseRecords")
                .contains("deleteDatabaseRecordz");
        System.out.println("refused over /v1: " + message);

        // Cockpit and /engine-rest deployments pass the same check
        HttpResponse<String> engineRefused = engineDeploy("delete-database.bpmn", invalid);
        assertThat(engineRefused.statusCode()).as(engineRefused.body()).isEqualTo(400);
        assertThat(engineRefused.body()).contains("delete-database.bpmn").contains("deleteDatabaseRecords");
        assertThat(latestVersion("delete-database")).as("the previous version stays active").isEqualTo(before);

        // the approval step of docs/bpmn-guide.md; the watcher deploys it, no call, no restart
        Files.writeString(processesDir.resolve("delete-database.bpmn"), withApproval(original));
        Poll.until(Duration.ofSeconds(30), () -> latestVersion("delete-database"), v -> v == before + 1,
                "delete-database v" + (before + 1));
        JsonNode model = engineGet("/engine-rest/process-definition/key/delete-database/xml");
        assertThat(model.path("bpmn20Xml").asText()).contains("id=\"approveDelete\"");
    }

    // (7) dry run

    @Test
    @Order(3)
    void dryRunOfAnUpdateReturnsItsPlanAndChangesNothing() throws Exception {
        JsonNode before = database(DB);
        int tasksBefore = Http.get(h1.url("/v1/databases/" + DB + "/tasks")).json().path("tasks").size();
        List<String> servicesBefore = services(DB);

        ObjectNode update = JSON.createObjectNode();
        update.set("spec", spec(true, "200"));
        Http.Response plan = Http.post(h1.url("/v1/databases/" + DB + "?dry_run=true"), update.toString());
        assertThat(plan.status()).as(plan.body()).isEqualTo(200);
        System.out.println("dry run: " + plan.body());
        JsonNode p = plan.json().path("plan");
        assertThat(plan.json().path("dry_run").asBoolean()).isTrue();
        assertThat(p.path("operation").asText()).isEqualTo("update");
        assertThat(p.path("create")).hasSize(1);
        assertThat(p.path("create").get(0).path("node_name").asText()).isEqualTo("n3");
        assertThat(p.path("create").get(0).path("instance_id").asText())
                .isEqualTo(InstanceIds.instanceId(DB, "n3", HOST));
        assertThat(p.path("update")).hasSize(2);
        for (JsonNode u : p.path("update")) {
            assertThat(u.path("restart").asBoolean()).as(u.toString()).isTrue();
            assertThat(u.path("restart_reasons")).extracting(JsonNode::asText)
                    .contains("postgresql_conf.max_connections");
        }
        assertThat(p.path("remove")).isEmpty();

        JsonNode after = database(DB);
        assertThat(after.path("state").asText()).isEqualTo("available");
        assertThat(after.path("updated_at")).isEqualTo(before.path("updated_at"));
        assertThat(after.path("spec")).isEqualTo(before.path("spec"));
        assertThat(after.path("instances")).hasSize(2);
        assertThat(Http.get(h1.url("/v1/databases/" + DB + "/tasks")).json().path("tasks")).hasSize(tasksBefore);
        assertThat(services(DB)).isEqualTo(servicesBefore);
        try (Connection c = connect(n1Port); Statement s = c.createStatement()) {
            var rs = s.executeQuery("show max_connections");
            rs.next();
            assertThat(rs.getString(1)).isNotEqualTo("200");
        }

        // a dry-run create plans the primary and stores nothing
        Http.Response createPlan = Http.post(h1.url("/v1/databases?dry_run=true"),
                body("opsdry", spec(false, null)).toString());
        assertThat(createPlan.status()).as(createPlan.body()).isEqualTo(200);
        assertThat(createPlan.json().path("plan").path("create")).hasSize(2);
        assertThat(Http.get(h1.url("/v1/databases/opsdry")).status()).isEqualTo(404);
    }

    // (4) operations of ops engineers, started through /v1

    @Test
    @Order(4)
    void exampleOperationsRunOnTheTwoNodeDatabaseOneAtATime() throws Exception {
        try (var examples = Files.list(Path.of("processes", "examples"))) {
            for (Path example : examples.filter(f -> f.toString().endsWith(".bpmn")).toList()) {
                Files.copy(example, processesDir.resolve(example.getFileName()));
            }
        }
        Http.Response deployed = Http.post(h1.url("/v1/processes/deploy"), "");
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
        JsonNode operations = Http.get(h1.url("/v1/operations")).json().path("operations");
        assertThat(operations).extracting(o -> o.path("process_key").asText())
                .contains("vacuum-analyze", "cancel-long-queries");

        // VACUUM waits while a transaction holds a table lock on n1: the operation is running meanwhile
        String vacuumTask;
        try (Connection holder = connect(n1Port); Statement s = holder.createStatement()) {
            s.execute("create table if not exists held (id int)");
            holder.setAutoCommit(false);
            s.execute("lock table held in access exclusive mode");

            Http.Response vacuum = Http.post(h1.url("/v1/databases/" + DB + "/operations/vacuum-analyze"), "{}");
            assertThat(vacuum.status()).as(vacuum.body()).isEqualTo(200);
            assertThat(vacuum.json().path("task").path("type").asText()).isEqualTo("vacuum_analyze");
            vacuumTask = vacuum.json().path("task").path("task_id").asText();
            Poll.until(Duration.ofSeconds(60), () -> logMessages(DB, vacuumTask),
                    log -> log.stream().anyMatch(m -> m.equals("started Run VACUUM ANALYZE on node")),
                    "vacuum started");

            // one operation at a time: another operation and an update are refused meanwhile
            Http.Response second = Http.post(h1.url("/v1/databases/" + DB + "/operations/cancel-long-queries"), "{}");
            assertThat(second.status()).as(second.body()).isEqualTo(409);
            ObjectNode update = JSON.createObjectNode();
            update.set("spec", spec(false, null));
            Http.Response concurrentUpdate = Http.post(h1.url("/v1/databases/" + DB), update.toString());
            assertThat(concurrentUpdate.status()).as(concurrentUpdate.body()).isEqualTo(409);
            holder.rollback();
        }
        JsonNode vacuumed = waitForTask(DB, vacuumTask);
        assertThat(vacuumed.path("status").asText()).as(vacuumed + "\n" + taskLog(DB, vacuumTask))
                .isEqualTo("completed");
        List<String> vacuumLog = logMessages(DB, vacuumTask);
        assertThat(vacuumLog).anyMatch(m -> m.startsWith("nodes n1, n2; instances "));
        assertThat(vacuumLog).anyMatch(m -> m.startsWith("ran 'VACUUM ANALYZE' on " + InstanceIds.instanceId(DB, "n1", HOST)));
        assertThat(vacuumLog).anyMatch(m -> m.startsWith("ran 'VACUUM ANALYZE' on " + InstanceIds.instanceId(DB, "n2", HOST)));
        assertThat(database(DB).path("state").asText()).isEqualTo("available");

        Http.Response cancelQueries = Http.post(h1.url("/v1/databases/" + DB + "/operations/cancel-long-queries"), "{}");
        assertThat(cancelQueries.status()).as(cancelQueries.body()).isEqualTo(200);
        String cancelTask = cancelQueries.json().path("task").path("task_id").asText();
        JsonNode canceled = waitForTask(DB, cancelTask);
        assertThat(canceled.path("status").asText()).as(canceled + "\n" + taskLog(DB, cancelTask))
                .isEqualTo("completed");
        assertThat(canceled.path("type").asText()).isEqualTo("cancel_long_queries");
        List<String> cancelLog = logMessages(DB, cancelTask);
        assertThat(cancelLog.stream().filter(m -> m.startsWith("ran 'SELECT count(pg_cancel_backend(pid))")))
                .hasSize(2);
        System.out.println("cancel-long-queries log:\n" + String.join("\n", cancelLog));
        assertThat(database(DB).path("state").asText()).isEqualTo("available");

        // a wrong start is a 400 with the reason
        Http.Response unknownInput = Http.post(h1.url("/v1/databases/" + DB + "/operations/vacuum-analyze"),
                "{\"variables\":{\"table\":\"x\"}}");
        assertThat(unknownInput.status()).as(unknownInput.body()).isEqualTo(400);
        assertThat(unknownInput.json().path("message").asText()).contains("variables.table");
        Http.Response ours = Http.post(h1.url("/v1/databases/" + DB + "/operations/delete-database"), "{}");
        assertThat(ours.status()).as(ours.body()).isEqualTo(400);
    }

    // (5) starts over the engine's REST API

    @Test
    @Order(5)
    void engineRestStartsOfOurOperationsAreRefusedAndAnEngineersOperationBecomesATask() throws Exception {
        HttpResponse<String> create = enginePost("/engine-rest/process-definition/key/create-database/start",
                "{\"variables\":{}}");
        assertThat(create.statusCode()).as(create.body()).isEqualTo(400);
        assertThat(create.body()).contains("POST /v1/databases").doesNotContain("requestHost");

        HttpResponse<String> missing = enginePost("/engine-rest/process-definition/key/vacuum-analyze/start",
                "{\"variables\":{}}");
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(400);
        assertThat(missing.body()).contains("databaseId");

        HttpResponse<String> started = enginePost("/engine-rest/process-definition/key/vacuum-analyze/start",
                "{\"variables\":{\"databaseId\":{\"value\":\"" + DB + "\",\"type\":\"String\"}}}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        // the start became a task of the database (the newest), whose id is the process instance's business key
        String businessKey = Http.get(h1.url("/v1/databases/" + DB + "/tasks")).json().path("tasks").get(0)
                .path("task_id").asText();
        assertThat(JSON.readTree(started.body()).path("businessKey").asText()).isIn(businessKey, "");
        JsonNode task = waitForTask(DB, businessKey);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(DB, businessKey)).isEqualTo("completed");
        assertThat(task.path("type").asText()).isEqualTo("vacuum_analyze");
        assertThat(logMessages(DB, businessKey))
                .anyMatch(m -> m.equals("started from Cockpit, Tasklist or /engine-rest by admin"));
    }

    // (2) cancel of a create: its "Operation canceled" path removes what it had started

    @Test
    @Order(6)
    void canceledCreateLeavesNothingOfItsInstanceBehind() throws Exception {
        ObjectNode spec = spec(false, null);
        ((ArrayNode) spec.path("nodes")).remove(1);
        ((ObjectNode) spec.path("nodes").get(0)).remove("port");
        Http.Response created = Http.post(h1.url("/v1/databases"), body(CANCELED_DB, spec).toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String taskId = created.json().path("task").path("task_id").asText();
        Thread.sleep(1000);
        Http.Response cancel = Http.get(h1.url("/v1/databases/" + CANCELED_DB + "/tasks/" + taskId + "/cancel"));
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);

        JsonNode task = waitForTask(CANCELED_DB, taskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(CANCELED_DB, taskId)).isEqualTo("canceled");
        assertThat(database(CANCELED_DB).path("state").asText()).isEqualTo("failed");
        List<String> log = logMessages(CANCELED_DB, taskId);
        System.out.println("canceled create log:\n" + String.join("\n", log));
        assertThat(log).anyMatch(m -> m.startsWith("canceling: the operation stopped"));

        String instance = InstanceIds.instanceId(CANCELED_DB, "n1", HOST);
        assertThat(services(CANCELED_DB)).isEmpty();
        Poll.until(Duration.ofSeconds(60), () -> Docker.run("ps", "-a", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + CANCELED_DB,
                "--format", "{{.ID}}"), List::isEmpty, "containers of " + CANCELED_DB + " gone");
        assertThat(h1.dataDir().resolve("instances").resolve(instance)).doesNotExist();
        try (EtcdStore etcd = new EtcdStore(etcdConfig(), ""); EtcdAdmin admin = new EtcdAdmin(etcdConfig())) {
            for (String prefix : List.of("/instance_specs/", "/instances/", "/instance_statuses/", "/instance_secrets/",
                    "/plans/")) {
                assertThat(etcd.getPrefix(prefix + CANCELED_DB + "/").keySet()).as(prefix + CANCELED_DB + "/").isEmpty();
            }
            assertThat(etcd.getPrefix("/patroni/" + CANCELED_DB + ":").keySet()).as("Patroni keys").isEmpty();
            etcd.get("/ports/" + HOST).ifPresent(v -> assertThat(v.value()).doesNotContain("\"" + instance + "/"));
            assertThat(admin.listUsers()).doesNotContain("instance-" + instance);
        }
    }

    // (6) the approval step deployed in (3): the delete waits until someone completes it

    @Test
    @Order(7)
    void deleteWaitsForItsApprovalUntilSomeoneCompletesIt() throws Exception {
        Http.Response deleted = Http.delete(h1.url("/v1/databases/" + DB));
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        String taskId = deleted.json().path("task").path("task_id").asText();

        JsonNode userTasks = Poll.until(Duration.ofSeconds(30),
                () -> engineGet("/engine-rest/task?processInstanceBusinessKey=" + taskId), t -> t.size() == 1,
                "the approval of " + taskId);
        JsonNode approval = userTasks.get(0);
        assertThat(approval.path("name").asText()).isEqualTo("Approve delete");
        Poll.until(Duration.ofSeconds(10), () -> logMessages(DB, taskId),
                log -> log.stream().anyMatch(m -> m.startsWith("waiting for a person: Approve delete")), "log says it waits");
        Thread.sleep(3000);
        assertThat(task(DB, taskId).path("status").asText()).isEqualTo("running");
        assertThat(services(DB)).hasSize(2);
        assertThat(logMessages(DB, taskId)).noneMatch(m -> m.startsWith("started Plan instances"));

        HttpResponse<String> completed = enginePost("/engine-rest/task/" + approval.path("id").asText() + "/complete",
                "{\"variables\":{}}");
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(204);
        JsonNode done = waitForTask(DB, taskId);
        assertThat(done.path("status").asText()).as(done + "\n" + taskLog(DB, taskId)).isEqualTo("completed");
        assertThat(Http.get(h1.url("/v1/databases/" + DB)).status()).isEqualTo(404);
        assertThat(services(DB)).isEmpty();
        assertThat(logMessages(DB, taskId)).anyMatch(m -> m.equals("Approve delete completed by admin"));
    }

    // --- the approval of docs/bpmn-guide.md, applied to delete-database.bpmn as Modeler would save it

    static String withApproval(String deleteDatabase) {
        String userTask = """
                    <bpmn:userTask id="approveDelete" name="Approve delete" camunda:candidateGroups="camunda-admin">
                      <bpmn:documentation>Someone confirms the delete in Tasklist (or over /engine-rest) before any instance goes.</bpmn:documentation>
                      <bpmn:extensionElements>
                        <camunda:taskListener event="create" delegateExpression="${userTaskLogListener}"/>
                        <camunda:taskListener event="complete" delegateExpression="${userTaskLogListener}"/>
                      </bpmn:extensionElements>
                      <bpmn:incoming>flow1</bpmn:incoming>
                      <bpmn:outgoing>approvedFlow</bpmn:outgoing>
                    </bpmn:userTask>
                    <bpmn:sequenceFlow id="approvedFlow" sourceRef="approveDelete" targetRef="planDatabase"/>
                """;
        String changed = deleteDatabase
                .replace("<bpmn:sequenceFlow id=\"flow1\" sourceRef=\"start\" targetRef=\"planDatabase\"/>",
                        "<bpmn:sequenceFlow id=\"flow1\" sourceRef=\"start\" targetRef=\"approveDelete\"/>\n" + userTask)
                .replace("<bpmn:incoming>flow1</bpmn:incoming>\n      <bpmn:outgoing>flow2</bpmn:outgoing>",
                        "<bpmn:incoming>approvedFlow</bpmn:incoming>\n      <bpmn:outgoing>flow2</bpmn:outgoing>");
        assertThat(changed).contains("targetRef=\"approveDelete\"").contains("<bpmn:incoming>approvedFlow</bpmn:incoming>");
        return changed;
    }

    // --- API

    private static ObjectNode body(String id, ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        body.set("spec", spec);
        return body;
    }

    /** Nodes n1 (fixed port {@link #n1Port}) and n2 on host-1, and n3 with {@code withThirdNode}. */
    private static ObjectNode spec(boolean withThirdNode, String maxConnections) {
        ObjectNode spec = AppDatabase.spec(DB_PASSWORD);
        if (maxConnections != null) {
            spec.putObject("postgresql_conf").put("max_connections", maxConnections);
        }
        ArrayNode nodes = spec.putArray("nodes");
        for (String name : withThirdNode ? List.of("n1", "n2", "n3") : List.of("n1", "n2")) {
            ObjectNode node = nodes.addObject();
            node.put("name", name);
            node.putArray("host_ids").add(HOST);
            if (name.equals("n1")) {
                node.put("port", n1Port);
            }
        }
        return spec;
    }

    private static JsonNode task(String db, String taskId) {
        Http.Response r = Http.get(h1.url("/v1/databases/" + db + "/tasks/" + taskId));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode waitForTask(String db, String taskId) {
        return Poll.until(OPERATION, () -> task(db, taskId),
                t -> t.path("status").asText().matches("completed|failed|canceled"), db + " task " + taskId + " done");
    }

    private static JsonNode database(String db) {
        Http.Response r = Http.get(h1.url("/v1/databases/" + db));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode waitForDatabase(String db, int instances) {
        return Poll.until(OPERATION, () -> database(db), d -> d.path("state").asText().equals("available")
                && d.path("instances").size() == instances
                && StreamSupport.stream(d.path("instances").spliterator(), false)
                .allMatch(i -> i.path("state").asText().equals("available")), db + " available");
    }

    private static String taskLog(String db, String taskId) {
        return String.join("\n", logMessages(db, taskId));
    }

    private static List<String> logMessages(String db, String taskId) {
        JsonNode log = Http.get(h1.url("/v1/databases/" + db + "/tasks/" + taskId + "/log")).json();
        List<String> out = new ArrayList<>();
        log.path("entries").forEach(e -> out.add(e.path("message").asText()));
        return out;
    }

    private static long count(List<String> log, String message) {
        return log.stream().filter(m -> m.equals(message)).count();
    }

    // --- engine REST (basic auth as the engine admin)

    private static JsonNode engineGet(String path) {
        HttpResponse<String> r = engine(HttpRequest.newBuilder(URI.create(h1.url(path))).GET());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(r.body(), e);
        }
    }

    private static HttpResponse<String> enginePost(String path, String json) {
        return engine(HttpRequest.newBuilder(URI.create(h1.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** {@code POST /engine-rest/deployment/create} as Camunda Modeler sends it (multipart). */
    private static HttpResponse<String> engineDeploy(String fileName, String bpmn) {
        String boundary = "----cp-it-" + System.nanoTime();
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"deployment-name\"\r\n\r\nfrom-modeler\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"deploy-changed-only\"\r\n\r\ntrue\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + fileName + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n"
                + "--" + boundary + "--\r\n";
        return engine(HttpRequest.newBuilder(URI.create(h1.url("/engine-rest/deployment/create")))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> engine(HttpRequest.Builder builder) {
        String token = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        try {
            return ENGINE.send(builder.header("Authorization", "Basic " + token).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static int latestVersion(String processKey) {
        return engineGet("/engine-rest/process-definition/key/" + processKey).path("version").asInt();
    }

    // --- Postgres, etcd, Docker

    private static Connection connect(int port) throws SQLException {
        return AppDatabase.connect(port, DB_PASSWORD, 60);
    }

    private static int freePortOutsideRange() {
        return TestServer.freePortOutside(PORT_BASE, PORT_BASE + 99);
    }

    private static EtcdClientConfig etcdConfig() throws IOException {
        Path data = h1.dataDir();
        JsonNode generated = JSON.readTree(data.resolve("generated.config.json").toFile());
        Path certs = data.resolve("certificates");
        List<URI> endpoints = new ArrayList<>();
        generated.path("etcd_client").path("endpoints").forEach(e -> endpoints.add(URI.create(e.asText())));
        return EtcdClientConfig.of(endpoints.subList(0, 1), Files.readString(certs.resolve("ca.crt")),
                new CertificateBundle(Files.readString(certs.resolve("etcd-user.crt")),
                        Files.readString(certs.resolve("etcd-user.key"))),
                new EtcdCredentials(generated.path("etcd_username").asText(), generated.path("etcd_password").asText()));
    }

    private static List<String> services(String db) {
        return Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + db, "--format", "{{.Name}}");
    }

}
