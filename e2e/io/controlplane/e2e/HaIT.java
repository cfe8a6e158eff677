package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The HA operations end to end on two real server processes: node n1 has an instance on each host (a
 * Patroni primary and a streaming replica in Swarm services), node n2 one instance. Switchover (auto,
 * candidate, scheduled), failover (after kill -9 of the primary's container, and with skip_validation),
 * bad input, stop/start/restart and the rolling image change, each checked through the API, JDBC
 * ({@code pg_is_in_recovery()}, writes), Docker and the engine's timer jobs. After every leader change of
 * n1 (and the stop of its primary) a row written on each node must reach the other (multi-active
 * replication keeps working).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaIT {

    private static final String ADMIN_PASSWORD = "ha-it-admin";
    private static final String DB_PASSWORD = "ha-it-secret";
    private static final String DB = "haone";
    private static final String SECOND_TAG = "controlplane/postgres:15-ha-e2e";
    private static final Duration OPERATION = Duration.ofSeconds(240);
    /** How long a row may take to reach the other node after a leader change (the supervisor restarts a
     * down subscription every 10 s; pglogical alone would wait up to 180 s). */
    private static final Duration REPLICATED = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT_BASE = 25600;

    private static Path root;
    private static EngineDatabase engineDb;
    private static final Map<String, ServerProcess> HOSTS = new LinkedHashMap<>();
    private static int writes;

    @BeforeAll
    static void startClusterAndDatabase() throws Exception {
        root = Files.createTempDirectory("cp-ha-it-");
        engineDb = EngineDatabase.start(root);
        Docker.run("tag", "controlplane/postgres:15", SECOND_TAG);
        // the built-in entry plus the second tag of the same image: an image this host can change to
        Path manifest = root.resolve("manifest.json");
        Files.writeString(manifest, """
                {"version": 1, "images": {"postgres": [
                  {"postgres_version": "15.18", "image": "controlplane/postgres:15", "pglogical_version": "2.4.2",
                   "stability": "stable", "default": true},
                  {"postgres_version": "15.18", "image": "%s", "pglogical_version": "2.4.2", "stability": "stable"}
                ]}}""".formatted(SECOND_TAG));
        ServerProcess h1 = host("host-1", 0, manifest).start(Duration.ofSeconds(180));
        Http.Response init = Http.get(h1.url("/v1/cluster/init?cluster_id=ha-it-cluster"));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        ServerProcess h2 = host("host-2", 1, manifest).start(Duration.ofSeconds(180));
        Http.Response join = Http.post(h2.url("/v1/cluster/join"), "{\"token\":\"" + init.json().path("token").asText()
                + "\",\"server_urls\":[\"" + h1.url("") + "\"]}");
        assertThat(join.status()).as(join.body()).isEqualTo(204);
        Poll.until(Duration.ofSeconds(90), () -> Http.get(h1.url("/v1/hosts")).json().path("hosts"),
                hosts -> hosts.size() == 2 && all(hosts, x -> x.path("status").path("state").asText().equals("healthy")),
                "2 healthy hosts");

        ObjectNode body = JSON.createObjectNode();
        body.put("id", DB);
        body.set("spec", spec());
        Http.Response created = Http.post(h1.url("/v1/databases"), body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        JsonNode task = waitForTask(created.json().path("task").path("task_id").asText());
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(task.path("task_id").asText()))
                .isEqualTo("completed");
        waitForSettled();
        try (Connection c = connect(primaryPort()); Statement s = c.createStatement()) {
            s.execute("create table events (id serial primary key, at text not null)");
            // sequences are node-local, so rows written on both nodes need keys that are unique across nodes
            s.execute("create table mesh (id text primary key, written_on text not null)");
        }
        try (Connection c = connect(port(instanceOf("n2"))); Statement s = c.createStatement()) {
            Poll.until(REPLICATED, () -> rowCount(s, "select count(*) from pg_tables where tablename = 'mesh'"),
                    n -> n == 1, "the DDL of table mesh replicated to n2");
        }
        assertRowsFlowBothWays(primaryId(), "create");
    }

    @AfterAll
    static void stopEverything() {
        for (ServerProcess p : HOSTS.values()) {
            p.close();
            p.killOrphanEtcd();
        }
        Docker.removeDatabaseServices(DB);
        try {
            Docker.run("rmi", SECOND_TAG);
        } catch (AssertionError e) {
            System.out.println("cleanup: " + e.getMessage());
        }
        if (engineDb != null) {
            engineDb.close();
        }
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    // ---- switchover

    @Test
    @Order(1)
    void switchoverWithoutCandidateMakesTheReplicaPrimaryAndASecondRequestMeanwhileIs409() throws Exception {
        String oldPrimary = primaryId();
        String replica = replicaId();

        Http.Response accepted = post("/v1/databases/" + DB + "/nodes/n1/switchover", "{}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().path("task").path("type").asText()).isEqualTo("switchover");
        assertThat(accepted.json().path("task").path("node_name").asText()).isEqualTo("n1");
        Http.Response second = post("/v1/databases/" + DB + "/nodes/n1/failover", "{\"skip_validation\":true}");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.json().path("name").asText()).isEqualTo("operation_already_in_progress");

        completed(accepted);
        assertPrimaryMovedAndWritable(oldPrimary, replica);
    }

    @Test
    @Order(2)
    void switchoverToTheNamedCandidate() throws Exception {
        String oldPrimary = primaryId();
        String candidate = replicaId();

        Http.Response accepted = post("/v1/databases/" + DB + "/nodes/n1/switchover",
                "{\"candidate_instance_id\":\"" + candidate + "\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().path("task").path("instance_id").asText()).isEqualTo(candidate);
        String taskId = completed(accepted);
        assertThat(taskLog(taskId)).contains("new primary of node n1: " + candidate);
        assertPrimaryMovedAndWritable(oldPrimary, candidate);
    }

    // ---- failover

    @Test
    @Order(3)
    void failoverAfterKillDashNineOfThePrimarysContainer() throws Exception {
        String oldPrimary = primaryId();
        String replica = replicaId();
        List<String> containers = Docker.run("ps", "-q", "--filter", "label=controlplane.instance.id=" + oldPrimary);
        assertThat(containers).hasSize(1);
        long killedAt = System.nanoTime();
        Docker.run("kill", "--signal", "KILL", containers.get(0));

        // the API refuses a failover of a healthy node; once the monitor has seen the primary go, it accepts
        Http.Response accepted = post("/v1/databases/" + DB + "/nodes/n1/failover", "{}");
        for (int i = 0; i < 60 && accepted.status() == 400 && accepted.body().contains("is healthy"); i++) {
            sleepQuietly(500);
            accepted = post("/v1/databases/" + DB + "/nodes/n1/failover", "{}");
        }
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().path("task").path("type").asText()).isEqualTo("failover");
        String taskId = completed(accepted);
        assertThat(taskLog(taskId)).contains("needs a failover");
        assertPrimaryMovedAndWritable(oldPrimary, replica);
        System.out.printf("MEASURED: kill -9 of the primary's container -> failover task completed: %.1f s%n",
                (System.nanoTime() - killedAt) / 1e9);
    }

    @Test
    @Order(4)
    void failoverOfAHealthyNodeWithSkipValidation() throws Exception {
        String oldPrimary = primaryId();
        String replica = replicaId();
        Http.Response accepted = post("/v1/databases/" + DB + "/nodes/n1/failover", "{\"skip_validation\":true}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        String taskId = completed(accepted);
        assertThat(taskLog(taskId)).contains("skip_validation is true");
        assertPrimaryMovedAndWritable(oldPrimary, replica);
    }

    // ---- bad input

    @Test
    @Order(5)
    void badInputIs400WithAClearMessageAndNoLeaderChange() throws Exception {
        String primary = primaryId();
        String n2 = instanceOf("n2");
        String future = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("unknown candidate", new String[] {"/nodes/n1/switchover",
                "{\"candidate_instance_id\":\"" + DB + "-n1-nosuch00\"}", "candidate_instance_id: database " + DB
                + " has no instance"});
        cases.put("candidate of another node", new String[] {"/nodes/n1/switchover",
                "{\"candidate_instance_id\":\"" + n2 + "\"}", "belongs to node n2, not to node n1"});
        cases.put("unknown node", new String[] {"/nodes/n7/switchover", "{}", "node n7 is not a node of database"});
        cases.put("scheduled_at in the past", new String[] {"/nodes/n1/switchover",
                "{\"scheduled_at\":\"2020-01-01T00:00:00Z\"}", "scheduled_at: 2020-01-01T00:00:00Z is in the past"});
        cases.put("scheduled_at not RFC 3339", new String[] {"/nodes/n1/switchover",
                "{\"scheduled_at\":\"tomorrow at noon\"}", "is not an RFC 3339 date-time"});
        cases.put("scheduled_at without offset", new String[] {"/nodes/n1/switchover",
                "{\"scheduled_at\":\"" + future.replace("Z", "") + "\"}", "is not an RFC 3339 date-time"});
        cases.put("failover of a healthy node", new String[] {"/nodes/n1/failover", "{}",
                "refuse failover unless skip_validation is true"});
        cases.put("single-instance node", new String[] {"/nodes/n2/switchover", "{}", "has a single instance"});
        cases.put("unknown field", new String[] {"/nodes/n1/switchover", "{\"candidate\":\"x\"}",
                "candidate: unknown field"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Http.Response r = post("/v1/databases/" + DB + c.getValue()[0], c.getValue()[1]);
            assertThat(r.status()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().path("name").asText()).as(c.getKey()).isEqualTo("invalid_input");
            assertThat(r.json().path("message").asText()).as(c.getKey()).contains(c.getValue()[2]);
        }
        Http.Response unknownInstance = post("/v1/databases/" + DB + "/instances/" + DB + "-n1-nosuch00/restart", "{}");
        assertThat(unknownInstance.status()).as(unknownInstance.body()).isEqualTo(404);
        assertThat(Http.get(url("/v1/databases/" + DB + "/tasks")).json().path("tasks").findValuesAsText("status"))
                .as("no task of the refused requests runs").doesNotContain("pending", "running");
        assertThat(primaryId()).isEqualTo(primary);
        assertThat(inRecovery(port(primary))).as("the primary is still the primary").isFalse();
    }

    // ---- stop, start, restart

    @Test
    @Order(6)
    void stopStartAndRestartMoveTheStatesAsPgEdges() throws Exception {
        String replica = replicaId();
        Http.Response stop = post("/v1/databases/" + DB + "/instances/" + replica + "/stop-instance", null);
        assertThat(stop.status()).as(stop.body()).isEqualTo(200);
        assertThat(stop.json().path("task").path("type").asText()).isEqualTo("stop_instance");
        assertThat(stop.json().path("task").path("instance_id").asText()).isEqualTo(replica);
        completed(stop);
        JsonNode db = database();
        assertThat(instance(db, replica).path("state").asText()).isEqualTo("stopped");
        assertThat(db.path("state").asText()).as("a stopped instance degrades the database").isEqualTo("degraded");
        assertThat(Docker.run("ps", "-q", "--filter", "label=controlplane.instance.id=" + replica)).isEmpty();

        Http.Response restartStopped = post("/v1/databases/" + DB + "/instances/" + replica + "/restart", "{}");
        assertThat(restartStopped.status()).as(restartStopped.body()).isEqualTo(400);
        assertThat(restartStopped.json().path("message").asText())
                .isEqualTo("instance " + replica + " is not restartable, it is in stopped state");
        Http.Response stopAgain = post("/v1/databases/" + DB + "/instances/" + replica + "/stop-instance", null);
        assertThat(stopAgain.status()).as(stopAgain.body()).isEqualTo(400);

        // three monitor rounds later the instance is still stopped and nothing started its container
        Thread.sleep(16_000);
        assertThat(instance(database(), replica).path("state").asText()).isEqualTo("stopped");
        assertThat(Docker.run("ps", "-q", "--filter", "label=controlplane.instance.id=" + replica)).isEmpty();

        Http.Response start = post("/v1/databases/" + DB + "/instances/" + replica + "/start-instance", null);
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        assertThat(start.json().path("task").path("type").asText()).isEqualTo("start_instance");
        completed(start);
        waitForSettled();
        assertThat(database().path("state").asText()).isEqualTo("available");
        assertThat(inRecovery(port(replica))).isTrue();

        Instant before = postmasterStart(port(replica));
        Http.Response restart = post("/v1/databases/" + DB + "/instances/" + replica + "/restart", "{}");
        assertThat(restart.status()).as(restart.body()).isEqualTo(200);
        assertThat(restart.json().path("task").path("type").asText()).isEqualTo("restart_instance");
        completed(restart);
        assertThat(postmasterStart(port(replica))).isAfter(before);

        Instant at = Instant.now().plusSeconds(25).truncatedTo(ChronoUnit.SECONDS);
        Http.Response scheduled = post("/v1/databases/" + DB + "/instances/" + replica + "/restart",
                "{\"scheduled_at\":\"" + at + "\"}");
        assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
        String scheduledTask = scheduled.json().path("task").path("task_id").asText();
        assertThat(timerDueDates(scheduledTask)).containsExactly(at);
        completed(scheduled);
        assertThat(postmasterStart(port(replica))).as("restarted at scheduled_at, not before").isAfter(at);
        waitForSettled();
    }

    // ---- scheduled switchover

    @Test
    @Order(7)
    void scheduledSwitchoverWaitsInATimerThatCancelRemoves() throws Exception {
        String oldPrimary = primaryId();
        String replica = replicaId();

        Instant later = Instant.now().plus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        Http.Response canceledOne = post("/v1/databases/" + DB + "/nodes/n1/switchover",
                "{\"scheduled_at\":\"" + later + "\"}");
        assertThat(canceledOne.status()).as(canceledOne.body()).isEqualTo(200);
        String canceledTask = canceledOne.json().path("task").path("task_id").asText();
        assertThat(timerDueDates(canceledTask)).containsExactly(later);
        Http.Response cancel = Http.get(url("/v1/databases/" + DB + "/tasks/" + canceledTask + "/cancel"));
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        assertThat(waitForTask(canceledTask).path("status").asText()).isEqualTo("canceled");
        assertThat(timerDueDates(canceledTask)).as("the timer went with the canceled task").isEmpty();

        Instant at = Instant.now().plusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
        Http.Response accepted = post("/v1/databases/" + DB + "/nodes/n1/switchover",
                "{\"scheduled_at\":\"" + at + "\"}");
        assertThat(accepted.status()).as("the canceled task released the node: " + accepted.body()).isEqualTo(200);
        String taskId = accepted.json().path("task").path("task_id").asText();
        assertThat(timerDueDates(taskId)).containsExactly(at);
        assertThat(Http.get(url("/v1/databases/" + DB + "/tasks/" + taskId)).json().path("status").asText())
                .as("no step has run yet").isEqualTo("pending");
        assertThat(primaryId()).as("nothing happens before scheduled_at").isEqualTo(oldPrimary);
        completed(accepted);
        assertThat(Instant.now()).isAfter(at);
        assertPrimaryMovedAndWritable(oldPrimary, replica);
    }

    // ---- rolling image change

    @Test
    @Order(8)
    void rollingImageChangeKeepsTheNodeWritableExceptDuringItsSwitchover() throws Exception {
        JsonNode list = Http.get(url("/v1/databases?include=available_upgrades")).json();
        JsonNode mine = null;
        for (JsonNode d : list.path("databases")) {
            if (d.path("id").asText().equals(DB)) {
                mine = d;
            }
        }
        assertThat(mine).as(list.toString()).isNotNull();
        assertThat(mine.path("available_upgrades").findValuesAsText("image")).containsExactly(SECOND_TAG);
        Http.Response notAvailable = post("/v1/databases/" + DB + "/upgrade", "{\"image\":\"controlplane/postgres:99\"}");
        assertThat(notAvailable.status()).as(notAvailable.body()).isEqualTo(400);
        assertThat(notAvailable.json().path("message").asText()).contains("is not an available upgrade");

        String oldPrimary = primaryId();
        String replica = replicaId();
        List<int[]> ports = List.of(new int[] {port(oldPrimary)}, new int[] {port(replica)});
        List<Instant> failed = new CopyOnWriteArrayList<>();
        List<Instant> succeeded = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            while (running.get()) {
                Instant at = Instant.now();
                boolean ok = false;
                for (int[] p : ports) {
                    ok = ok || tryWrite(p[0], at);
                }
                (ok ? succeeded : failed).add(at);
                sleepQuietly(200);
            }
        });
        writer.start();
        String taskId;
        try {
            Http.Response accepted = post("/v1/databases/" + DB + "/upgrade", "{\"image\":\"" + SECOND_TAG + "\"}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
            assertThat(accepted.json().path("task").path("type").asText()).isEqualTo("upgrade");
            assertThat(accepted.json().path("database").path("state").asText()).isEqualTo("modifying");
            taskId = completed(accepted);
            waitForSettled();
        } finally {
            running.set(false);
            writer.join(10_000);
        }
        for (String id : List.of(oldPrimary, replica, instanceOf("n2"))) {
            assertThat(Docker.run("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
                    "postgres-" + id).get(0)).as(id).startsWith(SECOND_TAG);
        }
        assertPrimaryMovedAndWritable(oldPrimary, replica);

        JsonNode log = Http.get(url("/v1/databases/" + DB + "/tasks/" + taskId + "/log")).json();
        List<String> order = new ArrayList<>();
        Instant switchStart = null;
        Instant switchEnd = null;
        for (JsonNode e : log.path("entries")) {
            String m = e.path("message").asText();
            Instant t = Instant.parse(e.path("timestamp").asText());
            if (m.equals("started Switch over with Patroni")) {
                switchStart = t;
            }
            if (m.startsWith("finished Wait for new primary writable")) {
                switchEnd = t;
            }
            if (m.startsWith("finished ")) {
                order.add(m.replaceAll(" \\(took .*", "") + " " + e.path("fields").path("instance_id").asText(""));
            }
        }
        assertThat(switchStart).as(taskLog(taskId)).isNotNull();
        assertThat(switchEnd).as(taskLog(taskId)).isNotNull();
        System.out.println("upgrade order: " + order);
        // every failed write falls in the switchover (with a second either side for the log's clock)
        Instant from = switchStart.minusSeconds(1);
        Instant to = switchEnd.plusSeconds(1);
        assertThat(failed).as("writes that failed outside the switchover " + from + " .. " + to)
                .allMatch(t -> !t.isBefore(from) && !t.isAfter(to));
        assertThat(succeeded).as("writes went on during the image change").hasSizeGreaterThan(20);
        System.out.printf("MEASURED: rolling image change: %d writes, %d failed (all within the switchover)%n",
                succeeded.size() + failed.size(), failed.size());
    }

    // ---- Patroni's pause

    @Test
    @Order(9)
    void patroniPauseShowsAsPatroniPausedOnEveryInstanceOfTheNode() {
        JsonNode before = waitForSettled();
        assertThat(before.path("instances").findValues("patroni_paused")).hasSize(3)
                .allMatch(v -> v.isBoolean() && !v.asBoolean());
        String container = Docker.run("ps", "-q", "--filter", "label=controlplane.instance.id=" + primaryId()).get(0);
        Docker.run("exec", container, "patronictl", "pause", "--wait");
        try {
            Poll.until(Duration.ofSeconds(30), HaIT::database, d -> n1Paused(d, true), "n1 paused in the API");
            assertThat(instance(database(), instanceOf("n2")).path("postgres").path("patroni_paused").asBoolean())
                    .as("another node's Patroni is not paused").isFalse();
        } finally {
            Docker.run("exec", container, "patronictl", "resume", "--wait");
        }
        Poll.until(Duration.ofSeconds(30), HaIT::database, d -> n1Paused(d, false), "n1 resumed in the API");
    }

    // ---- stop-instance of the primary

    @Test
    @Order(10)
    void stoppingThePrimaryHandsN1ToItsReplicaAndAnUpdateMeanwhileIsRefused() throws Exception {
        String oldPrimary = primaryId();
        String replica = replicaId();
        Http.Response stop = post("/v1/databases/" + DB + "/instances/" + oldPrimary + "/stop-instance", null);
        assertThat(stop.status()).as(stop.body()).isEqualTo(200);
        completed(stop);
        // Swarm's SIGTERM makes Patroni stop Postgres cleanly and give up the leader key: the replica takes
        // over at once (as Patroni does on a clean stop of its leader), the node stays writable
        Poll.until(Duration.ofSeconds(60), () -> safeInRecovery(port(replica)), Boolean.FALSE::equals,
                replica + " promoted after the stop of " + oldPrimary);
        JsonNode db = Poll.until(OPERATION, HaIT::database, d -> instance(d, replica).path("postgres").path("role")
                .asText().equals("primary") && instance(d, oldPrimary).path("state").asText().equals("stopped")
                && d.path("state").asText().equals("degraded"), replica + " primary in the API, " + oldPrimary
                + " stopped, " + DB + " degraded");
        assertThat(instance(db, replica).path("state").asText()).isEqualTo("available");
        assertThat(Docker.run("ps", "-q", "--filter", "label=controlplane.instance.id=" + oldPrimary)).isEmpty();
        assertRowsFlowBothWays(replica, "the stop of the primary " + oldPrimary);

        // an update would start the stopped instance behind the operator's back (or wait on its Patroni)
        ObjectNode changed = spec();
        changed.putObject("postgresql_conf").put("work_mem", "8MB");
        Http.Response update = Http.post(url("/v1/databases/" + DB), JSON.createObjectNode().set("spec", changed)
                .toString());
        assertThat(update.status()).as(update.body()).isEqualTo(400);
        assertThat(update.json().path("message").asText())
                .isEqualTo("instance " + oldPrimary + " is stopped; start it (start-instance) before updating the database");
        assertThat(database().path("state").asText()).as("the refused update changed nothing").isEqualTo("degraded");
        assertThat(Http.get(url("/v1/databases/" + DB + "/tasks")).json().path("tasks").findValuesAsText("status"))
                .doesNotContain("pending", "running");

        Http.Response start = post("/v1/databases/" + DB + "/instances/" + oldPrimary + "/start-instance", null);
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        completed(start);
        waitForSettled();
        assertThat(primaryId()).as("the started instance does not take the node back").isEqualTo(replica);
        assertThat(inRecovery(port(oldPrimary))).as(oldPrimary + " is back as a replica").isTrue();
    }

    private static boolean n1Paused(JsonNode db, boolean paused) {
        int n = 0;
        for (JsonNode i : db.path("instances")) {
            if (i.path("node_name").asText().equals("n1")) {
                if (i.path("postgres").path("patroni_paused").asBoolean(!paused) != paused) {
                    return false;
                }
                n++;
            }
        }
        return n == 2;
    }

    // ---- helpers: the database

    /** n1 on both hosts (primary and replica), n2 on host-2. */
    private static ObjectNode spec() {
        ObjectNode spec = AppDatabase.spec(DB_PASSWORD);
        ArrayNode nodes = spec.putArray("nodes");
        nodes.addObject().put("name", "n1").putArray("host_ids").add("host-1").add("host-2");
        nodes.addObject().put("name", "n2").putArray("host_ids").add("host-2");
        return spec;
    }

    private static void assertPrimaryMovedAndWritable(String oldPrimary, String newPrimary) throws Exception {
        assertThat(inRecovery(port(newPrimary))).as(newPrimary + " is out of recovery").isFalse();
        int row = ++writes;
        try (Connection c = connect(port(newPrimary)); Statement s = c.createStatement()) {
            s.execute("insert into events (at) values ('write " + row + "')");
        }
        Poll.until(Duration.ofSeconds(120), () -> safeInRecovery(port(oldPrimary)), Boolean.TRUE::equals,
                oldPrimary + " back as a replica");
        // a fresh connection each time: Patroni restarts the rejoined replica's Postgres once to copy the
        // permanent logical slots from the primary
        Poll.until(Duration.ofSeconds(60), () -> rowCountOn(port(oldPrimary), "select count(*) from events where at = 'write "
                + row + "'"), n -> n == 1, "the write on " + newPrimary + " streamed to " + oldPrimary);
        // the API reads roles from the instance monitors' statuses, written every 5 s: it follows shortly
        Poll.until(Duration.ofSeconds(30), () -> n1(waitForSettled(), "primary"), ids -> ids.equals(List.of(newPrimary)),
                "the API showing " + newPrimary + " as n1's primary");
        assertRowsFlowBothWays(newPrimary, "the leader change to " + newPrimary);
    }

    /**
     * Multi-active replication between the nodes: a row written on n1's primary appears on n2 and a row
     * written on n2 appears on n1. Both rows are written first and polled together, so the check costs one
     * replication delay, not two.
     */
    private static void assertRowsFlowBothWays(String n1Primary, String after) throws SQLException {
        int row = ++writes;
        String fromN1 = row + " from n1 after " + after;
        String fromN2 = row + " from n2 after " + after;
        long start = System.nanoTime();
        try (Connection n1 = connect(port(n1Primary)); Statement s1 = n1.createStatement();
             Connection n2 = connect(port(instanceOf("n2"))); Statement s2 = n2.createStatement()) {
            s1.execute("insert into mesh values ('" + fromN1 + "', 'n1')");
            s2.execute("insert into mesh values ('" + fromN2 + "', 'n2')");
            Poll.until(REPLICATED, () -> List.of(rowCount(s2, "select count(*) from mesh where id = '" + fromN1 + "'"),
                    rowCount(s1, "select count(*) from mesh where id = '" + fromN2 + "'")), List.of(1L, 1L)::equals,
                    "[row of n1 on n2, row of n2 on n1] after " + after);
        }
        System.out.printf("MEASURED: rows both ways n1 <-> n2 after %s: %.1f s%n", after,
                (System.nanoTime() - start) / 1e9);
    }

    /** Every instance available with a role, n1 with one primary and one replica, the database available. */
    private static JsonNode waitForSettled() {
        return Poll.until(OPERATION, HaIT::database, d -> d.path("state").asText().equals("available")
                && d.path("instances").size() == 3 && all(d.path("instances"), i -> i.path("state").asText()
                .equals("available") && !i.path("postgres").path("role").asText().isEmpty())
                && n1(d, "primary").size() == 1 && n1(d, "replica").size() == 1, DB + " settled");
    }

    /** The instances of node n1 that have {@code role}. */
    private static List<String> n1(JsonNode db, String role) {
        List<String> ids = new ArrayList<>();
        db.path("instances").forEach(i -> {
            if (i.path("node_name").asText().equals("n1") && i.path("postgres").path("role").asText().equals(role)) {
                ids.add(i.path("id").asText());
            }
        });
        return ids;
    }

    private static String primaryId() {
        return n1(waitForSettled(), "primary").get(0);
    }

    private static String replicaId() {
        return n1(waitForSettled(), "replica").get(0);
    }

    private static int primaryPort() {
        return port(primaryId());
    }

    private static String instanceOf(String node) {
        for (JsonNode i : database().path("instances")) {
            if (i.path("node_name").asText().equals(node)) {
                return i.path("id").asText();
            }
        }
        throw new AssertionError("no instance of " + node);
    }

    private static int port(String instanceId) {
        return instance(database(), instanceId).path("connection_info").path("port").asInt();
    }

    private static JsonNode instance(JsonNode db, String instanceId) {
        for (JsonNode i : db.path("instances")) {
            if (i.path("id").asText().equals(instanceId)) {
                return i;
            }
        }
        throw new AssertionError("no instance " + instanceId + " in " + db);
    }

    /** Due dates of the timer jobs of the task's process instance, as Cockpit lists them. */
    private static List<Instant> timerDueDates(String taskId) {
        ServerProcess h1 = HOSTS.get("host-1");
        JsonNode instances = Http.getWithBasicAuth(h1.url("/engine-rest/process-instance?businessKey=" + taskId),
                "admin", ADMIN_PASSWORD).json();
        List<Instant> due = new ArrayList<>();
        for (JsonNode pi : instances) {
            JsonNode jobs = Http.getWithBasicAuth(h1.url("/engine-rest/job?timers=true&processInstanceId="
                    + pi.path("id").asText()), "admin", ADMIN_PASSWORD).json();
            jobs.forEach(j -> due.add(java.time.OffsetDateTime.parse(j.path("dueDate").asText(),
                    java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toInstant()));
        }
        return due;
    }

    // ---- helpers: API

    private static String url(String path) {
        return HOSTS.get("host-1").url(path);
    }

    private static Http.Response post(String path, String body) {
        return body == null ? Http.raw("POST", url(path), null, null) : Http.post(url(path), body);
    }

    /** Waits for the task of an accepted request; it must complete. */
    private static String completed(Http.Response accepted) {
        String taskId = accepted.json().path("task").path("task_id").asText();
        JsonNode task = waitForTask(taskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(taskId)).isEqualTo("completed");
        return taskId;
    }

    private static JsonNode waitForTask(String taskId) {
        return Poll.until(OPERATION, () -> Http.get(url("/v1/databases/" + DB + "/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed|canceled"), "task " + taskId + " done");
    }

    private static String taskLog(String taskId) {
        JsonNode log = Http.get(url("/v1/databases/" + DB + "/tasks/" + taskId + "/log")).json();
        List<String> out = new ArrayList<>();
        log.path("entries").forEach(e -> out.add(e.path("timestamp").asText() + " " + e.path("message").asText()));
        return String.join("\n", out);
    }

    private static JsonNode database() {
        Http.Response r = Http.get(url("/v1/databases/" + DB));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static boolean all(JsonNode array, java.util.function.Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (!p.test(n)) {
                return false;
            }
        }
        return true;
    }

    private static ServerProcess host(String id, int index, Path manifest) {
        Map<String, String> env = ServerProcess.clusterEnv(id, "server", engineDb.jdbcUrl(), ADMIN_PASSWORD);
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE + 100 * index));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 100 * index + 99));
        env.put("CONTROL_PLANE_DOCKER_SWARM__MANIFEST_PATH", manifest.toString());
        ServerProcess p = new ServerProcess(root.resolve(id), TestServer.freePort(), env);
        HOSTS.put(id, p);
        return p;
    }

    // ---- helpers: Postgres

    private static Connection connect(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "admin");
        p.setProperty("password", DB_PASSWORD);
        p.setProperty("connectTimeout", "3");
        p.setProperty("socketTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", p);
    }

    private static boolean inRecovery(int port) throws SQLException {
        try (Connection c = connect(port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static Boolean safeInRecovery(int port) {
        try {
            return inRecovery(port);
        } catch (SQLException e) {
            return null;
        }
    }

    private static Instant postmasterStart(int port) throws SQLException {
        try (Connection c = connect(port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pg_postmaster_start_time()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static long rowCount(Statement s, String sql) {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static long rowCountOn(int port, String sql) {
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            return rowCount(s, sql);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static boolean tryWrite(int port, Instant at) {
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            s.execute("insert into events (at) values ('" + at + "')");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- helpers: Docker

}
