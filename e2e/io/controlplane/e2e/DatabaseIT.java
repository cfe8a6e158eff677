package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdCredentials;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.etcd.pki.CertificateBundle;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Database operations end to end: three real server processes in one cluster create, update, survive
 * a kill -9 during and delete Patroni/Postgres databases that run as Docker Swarm services, checked
 * through the API, JDBC, the Docker CLI, the file system and etcd.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseIT {

    private static final String ADMIN_PASSWORD = "database-it-admin";
    private static final String DB_PASSWORD = "e2e-secret-1";
    private static final List<String> DATABASES = List.of("e2e1", "e2e3", "e2ecrash", "e2ecrash2");
    private static final Duration OPERATION = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each host picks random ports from its own range, away from the defaults other tests use. */
    private static final int PORT_BASE = 25100;

    private static Path root;
    private static EngineDatabase engineDb;
    private static final Map<String, ServerProcess> HOSTS = new LinkedHashMap<>();
    private static final Map<String, Map<String, String>> ENVS = new LinkedHashMap<>();
    private static final Map<String, Integer> HTTP_PORTS = new LinkedHashMap<>();
    /** Instances seen per database, for the checks after delete. */
    private static final Map<String, Map<String, String>> INSTANCE_HOSTS = new LinkedHashMap<>();
    private static int e2e1Port;
    private static String removedInstance;
    private static final Set<String> REMOVED_BY_UPDATE = new TreeSet<>();

    @BeforeAll
    static void startCluster() throws Exception {
        root = Files.createTempDirectory("cp-database-it-");
        engineDb = EngineDatabase.start(root);
        long started = System.nanoTime();
        ServerProcess h1 = host("host-1", 0).start(Duration.ofSeconds(180));
        Http.Response init = Http.get(h1.url("/v1/cluster/init?cluster_id=db-it-cluster"));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String token = init.json().path("token").asText();
        for (int i = 2; i <= 3; i++) {
            ServerProcess h = host("host-" + i, i - 1).start(Duration.ofSeconds(180));
            Http.Response join = Http.post(h.url("/v1/cluster/join"),
                    "{\"token\":\"" + token + "\",\"server_urls\":[\"" + h1.url("") + "\"]}");
            assertThat(join.status()).as(join.body()).isEqualTo(204);
        }
        for (ServerProcess h : HOSTS.values()) {
            waitForHealthy(h, 3);
        }
        System.out.printf("MEASURED: 3 healthy hosts: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stopEverything() {
        for (ServerProcess p : HOSTS.values()) {
            p.close();
            p.killOrphanEtcd();
        }
        Docker.removeDatabaseServices(DATABASES);
        if (engineDb != null) {
            engineDb.close();
        }
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    @Test
    @Order(1)
    void singleNodeDatabaseWithAdminUserAcceptsWrites() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        Http.Response created = Http.post(h1.url("/v1/databases"), body("e2e1", spec(List.of("host-1"))).toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().path("database").path("id").asText()).isEqualTo("e2e1");
        assertThat(created.json().path("task").path("type").asText()).isEqualTo("create");
        String taskId = created.json().path("task").path("task_id").asText();

        JsonNode task = waitForTask(h1, "e2e1", taskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(h1, "e2e1", taskId)).isEqualTo("completed");
        JsonNode db = waitForDatabase(h1, "e2e1", "available", 1);
        JsonNode instance = db.path("instances").get(0);
        assertThat(instance.path("host_id").asText()).isEqualTo("host-1");
        assertThat(instance.path("node_name").asText()).isEqualTo("n1");
        assertThat(instance.path("state").asText()).isEqualTo("available");
        assertThat(instance.path("connection_info").path("addresses")).isNotEmpty();
        assertThat(instance.path("connection_info").path("port").asInt()).isPositive();
        assertThat(instance.path("postgres").path("role").asText()).isEqualTo("primary");
        e2e1Port = instance.path("connection_info").path("port").asInt();

        try (Connection c = connect(e2e1Port); Statement s = c.createStatement()) {
            s.execute("create table greetings (id int primary key, text varchar not null)");
            s.execute("insert into greetings values (1, 'hello'), (2, 'world')");
            assertThat(strings(s, "select text from greetings order by id")).containsExactly("hello", "world");
        }

        List<String> messages = logMessages(h1, "e2e1", taskId);
        for (String step : List.of("Plan instances", "Allocate ports", "Create etcd credentials",
                "Write Patroni config and certificates", "Create Swarm service", "Wait for instance ready",
                "Create users, database and run scripts", "Mark database available")) {
            assertThat(messages).as("task log").anyMatch(m -> m.equals("started " + step));
            assertThat(messages).as("task log").anyMatch(m -> m.startsWith("finished " + step + " (took "));
        }
        assertThat(messages).noneMatch(m -> m.startsWith("failed "));
    }

    @Test
    @Order(2)
    void nodeOnThreeHostsHasTwoStreamingReplicas() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        Http.Response created = Http.post(h1.url("/v1/databases"),
                body("e2e3", spec(List.of("host-1", "host-2", "host-3"))).toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String taskId = created.json().path("task").path("task_id").asText();
        JsonNode task = waitForTask(h1, "e2e3", taskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(h1, "e2e3", taskId)).isEqualTo("completed");

        JsonNode db = Poll.until(OPERATION, () -> database(h1, "e2e3"), d -> d.path("state").asText().equals("available")
                && d.path("instances").size() == 3 && all(d.path("instances"), i -> i.path("state").asText()
                .equals("available") && !i.path("postgres").path("role").asText().isEmpty()), "e2e3 with 3 roles");
        Map<String, Integer> replicas = new LinkedHashMap<>();
        int primaryPort = 0;
        Set<String> hosts = new TreeSet<>();
        for (JsonNode i : db.path("instances")) {
            hosts.add(i.path("host_id").asText());
            String role = i.path("postgres").path("role").asText();
            if (role.equals("primary")) {
                assertThat(primaryPort).as("a second primary in " + db).isZero();
                primaryPort = i.path("connection_info").path("port").asInt();
            } else {
                assertThat(role).as(db.toString()).isEqualTo("replica");
                replicas.put(i.path("id").asText(), i.path("connection_info").path("port").asInt());
            }
        }
        assertThat(hosts).containsExactly("host-1", "host-2", "host-3");
        assertThat(primaryPort).as(db.toString()).isPositive();
        assertThat(replicas).hasSize(2);

        try (Connection primary = connect(primaryPort); Statement s = primary.createStatement()) {
            List<List<String>> replication = Poll.until(Duration.ofSeconds(60), () -> rows(s,
                    "select usename, application_name, state from pg_stat_replication order by application_name"),
                    r -> r.size() == 2 && r.stream().allMatch(row -> row.get(2).equals("streaming")), "2 streaming replicas");
            assertThat(replication).extracting(r -> r.get(0)).containsOnly("patroni_replicator");
            assertThat(replication).extracting(r -> r.get(1)).containsExactlyInAnyOrderElementsOf(replicas.keySet());
            // each replica shows its streaming lag (ours, beyond pgEdge); the primary has none
            JsonNode withLag = Poll.until(Duration.ofSeconds(60), () -> database(h1, "e2e3"), d -> all(d.path("instances"),
                    i -> i.path("postgres").path("role").asText().equals("primary")
                            || i.path("postgres").path("replication_lag_bytes").isIntegralNumber()),
                    "replication_lag_bytes of both replicas");
            for (JsonNode i : withLag.path("instances")) {
                JsonNode lag = i.path("postgres").path("replication_lag_bytes");
                if (i.path("postgres").path("role").asText().equals("primary")) {
                    assertThat(lag.isMissingNode() || lag.isNull()).as(i.toString()).isTrue();
                } else {
                    assertThat(lag.asLong()).as(i.toString()).isBetween(0L, 16L * 1024 * 1024);
                }
            }
            s.execute("create table replicated (id int primary key, text varchar)");
            s.execute("insert into replicated values (1, 'on every host')");
        }
        for (Map.Entry<String, Integer> replica : replicas.entrySet()) {
            try (Connection c = connect(replica.getValue()); Statement s = c.createStatement()) {
                Poll.until(Duration.ofSeconds(60), () -> {
                    try {
                        return strings(s, "select text from replicated");
                    } catch (SQLException e) {
                        return List.of(e.getMessage());
                    }
                }, r -> r.equals(List.of("on every host")), "the row on replica " + replica.getKey());
                assertThat(strings(s, "select pg_is_in_recovery()::text")).containsExactly("true");
                assertThatThrownBy(() -> s.execute("insert into replicated values (2, 'nope')"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
            }
        }
    }

    @Test
    @Order(3)
    void portUpdateMovesPostgresToTheNewPort() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        int newPort = freePortOutsideRanges();
        ObjectNode spec = spec(List.of("host-1"));
        spec.put("port", newPort);
        updateAndWait(h1, "e2e1", spec);

        JsonNode db = waitForDatabase(h1, "e2e1", "available", 1);
        assertThat(db.path("instances").get(0).path("connection_info").path("port").asInt()).isEqualTo(newPort);
        try (Connection c = connect(newPort); Statement s = c.createStatement()) {
            assertThat(strings(s, "select text from greetings order by id")).containsExactly("hello", "world");
            assertThat(strings(s, "show port")).containsExactly(String.valueOf(newPort));
        }
        int oldPort = e2e1Port;
        Poll.until(Duration.ofSeconds(30), () -> {
            try (Connection c = connect(oldPort)) {
                return "connected";
            } catch (SQLException e) {
                return e.getSQLState() == null ? "" : e.getSQLState();
            }
        }, state -> state.startsWith("08"), "the old port " + oldPort + " refuses connections");
        e2e1Port = newPort;
    }

    @Test
    @Order(4)
    void postgresqlConfUpdateShowsInPgSettings() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        ObjectNode spec = spec(List.of("host-1"));
        spec.put("port", e2e1Port);
        spec.putObject("postgresql_conf").put("work_mem", "8MB").put("max_connections", 150);
        String taskId = updateAndWait(h1, "e2e1", spec);

        waitForDatabase(h1, "e2e1", "available", 1);
        try (Connection c = connect(e2e1Port); Statement s = c.createStatement()) {
            assertThat(strings(s, "select setting || coalesce(unit, '') from pg_settings where name = 'work_mem'"))
                    .containsExactly("8192kB");
            assertThat(strings(s, "select setting from pg_settings where name = 'max_connections'"))
                    .containsExactly("150");
            assertThat(strings(s, "select count(*)::text from pg_settings where pending_restart")).containsExactly("0");
            assertThat(strings(s, "select text from greetings order by id")).containsExactly("hello", "world");
        }
        assertThat(logMessages(h1, "e2e1", taskId)).anyMatch(m -> m.startsWith("finished Patch Patroni config and reload or restart Postgres"));
        JsonNode instance = Poll.until(Duration.ofSeconds(30), () -> database(h1, "e2e1").path("instances").get(0),
                i -> i.path("postgres").path("pending_restart").isBoolean()
                        && !i.path("postgres").path("pending_restart").asBoolean(), "no pending restart reported");
        assertThat(instance.path("postgres").path("role").asText()).isEqualTo("primary");
    }

    @Test
    @Order(5)
    void postgresqlConfUpdateOfAThreeHostNodeReachesEveryInstance() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        ObjectNode spec = spec(List.of("host-1", "host-2", "host-3"));
        spec.putObject("postgresql_conf").put("work_mem", "6MB").put("max_connections", 120);
        updateAndWait(h1, "e2e3", spec);

        JsonNode db = Poll.until(OPERATION, () -> database(h1, "e2e3"), d -> d.path("state").asText().equals("available")
                && d.path("instances").size() == 3 && all(d.path("instances"), i -> i.path("state").asText()
                .equals("available") && !i.path("postgres").path("role").asText().isEmpty()), "e2e3 available again");
        int primaries = 0;
        for (JsonNode i : db.path("instances")) {
            primaries += i.path("postgres").path("role").asText().equals("primary") ? 1 : 0;
            try (Connection c = connect(i.path("connection_info").path("port").asInt());
                 Statement s = c.createStatement()) {
                assertThat(strings(s, "select setting from pg_settings where name in ('work_mem', 'max_connections')"
                        + " order by name")).as(i.path("id").asText()).containsExactly("120", "6144");
                assertThat(strings(s, "select count(*)::text from pg_settings where pending_restart"))
                        .as(i.path("id").asText()).containsExactly("0");
                Poll.until(Duration.ofSeconds(60), () -> {
                    try {
                        return strings(s, "select text from replicated");
                    } catch (SQLException e) {
                        return List.of(e.getMessage());
                    }
                }, r -> r.equals(List.of("on every host")), "the row on " + i.path("id").asText());
            }
        }
        assertThat(primaries).as(db.toString()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void addingAReplicaAndANodeThenRemovingThemChangesOnlyThose() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        ObjectNode grown = spec(List.of("host-1", "host-2"));
        grown.putObject("postgresql_conf").put("work_mem", "8MB").put("max_connections", 150);
        ObjectNode n2 = ((ArrayNode) grown.path("nodes")).addObject();
        n2.put("name", "n2");
        n2.putArray("host_ids").add("host-3");
        updateAndWait(h1, "e2e1", grown);

        JsonNode db = waitForDatabase(h1, "e2e1", "available", 3);
        Map<String, JsonNode> byNodeAndHost = new LinkedHashMap<>();
        db.path("instances").forEach(i -> byNodeAndHost.put(i.path("node_name").asText() + "@"
                + i.path("host_id").asText(), i));
        assertThat(byNodeAndHost.keySet()).containsExactlyInAnyOrder("n1@host-1", "n1@host-2", "n2@host-3");
        JsonNode n1Primary = byNodeAndHost.get("n1@host-1");
        assertThat(n1Primary.path("postgres").path("role").asText()).isEqualTo("primary");
        assertThat(n1Primary.path("connection_info").path("port").asInt()).as("the existing instance keeps its port")
                .isEqualTo(e2e1Port);
        assertThat(byNodeAndHost.get("n1@host-2").path("postgres").path("role").asText()).isEqualTo("replica");
        assertThat(byNodeAndHost.get("n2@host-3").path("postgres").path("role").asText()).isEqualTo("primary");
        try (Connection c = connect(e2e1Port); Statement s = c.createStatement()) {
            assertThat(strings(s, "select text from greetings order by id")).containsExactly("hello", "world");
            // physical streaming only: n2 also streams from n1 logically (its replication subscription)
            assertThat(rows(s, "select usename, application_name, state from pg_stat_replication"
                    + " where usename = 'patroni_replicator'"))
                    .containsExactly(List.of("patroni_replicator", byNodeAndHost.get("n1@host-2").path("id").asText(),
                            "streaming"));
        }
        try (Connection c = connect(byNodeAndHost.get("n2@host-3").path("connection_info").path("port").asInt());
             Statement s = c.createStatement()) {
            assertThat(strings(s, "select current_user || '@' || current_database()")).containsExactly("admin@app");
            assertThat(strings(s, "select pg_is_in_recovery()::text")).containsExactly("false");
            // the added node started as a copy of n1
            assertThat(strings(s, "select text from greetings order by id")).containsExactly("hello", "world");
        }

        ObjectNode shrunk = spec(List.of("host-1"));
        shrunk.putObject("postgresql_conf").put("work_mem", "8MB").put("max_connections", 150);
        updateAndWait(h1, "e2e1", shrunk);
        JsonNode after = waitForDatabase(h1, "e2e1", "available", 1);
        assertThat(after.path("instances").get(0).path("id").asText()).isEqualTo(n1Primary.path("id").asText());
        for (String gone : List.of("n1@host-2", "n2@host-3")) {
            String id = byNodeAndHost.get(gone).path("id").asText();
            REMOVED_BY_UPDATE.add(id);
            assertThat(Docker.run("service", "ls", "--filter", "name=postgres-" + id, "--format", "{{.Name}}"))
                    .as("service of " + gone).isEmpty();
        }
        try (EtcdStore etcd = new EtcdStore(etcdConfig(h1), "")) {
            assertThat(etcd.getPrefix("/patroni/e2e1:n2/").keySet()).as("Patroni keys of the removed node").isEmpty();
        }
        try (Connection c = connect(e2e1Port); Statement s = c.createStatement()) {
            assertThat(strings(s, "select text from greetings order by id")).containsExactly("hello", "world");
            Poll.until(Duration.ofSeconds(60), () -> rows(s, "select usename from pg_stat_replication"), List::isEmpty,
                    "the removed replica no longer streams");
        }
    }

    @Test
    @Order(7)
    void killDashNineDuringCreateResumesWithoutDuplicateService() throws Exception {
        crashDuringCreate("e2ecrash", "Create Swarm service");
    }

    @Test
    @Order(8)
    void killDashNineWhileWaitingForReadyResumes() throws Exception {
        crashDuringCreate("e2ecrash2", "Wait for instance ready");
    }

    @Test
    @Order(9)
    void removingALostHostUpdatesTheDatabasesThatUsedIt() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        ServerProcess h3 = HOSTS.get("host-3");
        JsonNode before = database(h1, "e2e3");
        String lost = null;
        for (JsonNode i : before.path("instances")) {
            if (i.path("host_id").asText().equals("host-3")) {
                lost = i.path("id").asText();
            }
        }
        assertThat(lost).as("e2e3 has an instance on host-3").isNotNull();
        removedInstance = lost;
        h3.kill();
        h3.killOrphanEtcd();
        Poll.until(Duration.ofSeconds(60), () -> Http.get(h1.url("/v1/hosts/host-3")).json().path("status")
                .path("state").asText(), s -> s.equals("unreachable"), "host-3 unreachable");

        Http.Response refused = Http.delete(h1.url("/v1/hosts/host-3"));
        assertThat(refused.status()).as("without force: " + refused.body()).isEqualTo(400);

        Http.Response removal = Http.delete(h1.url("/v1/hosts/host-3?force=true"));
        assertThat(removal.status()).as(removal.body()).isEqualTo(200);
        String hostTask = removal.json().path("task").path("task_id").asText();
        JsonNode updates = removal.json().path("update_database_tasks");
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).path("database_id").asText()).isEqualTo("e2e3");
        assertThat(updates.get(0).path("parent_id").asText()).isEqualTo(hostTask);
        String updateTask = updates.get(0).path("task_id").asText();

        JsonNode update = waitForTask(h1, "e2e3", updateTask);
        assertThat(update.path("status").asText()).as(update + "\n" + taskLog(h1, "e2e3", updateTask))
                .isEqualTo("completed");
        JsonNode task = Poll.until(OPERATION, () -> Http.get(h1.url("/v1/hosts/host-3/tasks/" + hostTask)).json(),
                t -> t.path("status").asText().matches("completed|failed"), "remove-host task done");
        assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("completed");

        JsonNode after = waitForDatabase(h1, "e2e3", "available", 2);
        Set<String> hostsLeft = new TreeSet<>();
        after.path("instances").forEach(i -> hostsLeft.add(i.path("host_id").asText()));
        assertThat(hostsLeft).containsExactly("host-1", "host-2");
        assertThat(after.path("spec").path("nodes").get(0).path("host_ids").toString()).doesNotContain("host-3");
        assertThat(Docker.run("service", "ls", "--filter", "name=postgres-" + lost, "--format", "{{.Name}}"))
                .as("service of the lost host's instance").isEmpty();
        JsonNode hosts = Http.get(h1.url("/v1/hosts")).json().path("hosts");
        List<String> ids = new ArrayList<>();
        hosts.forEach(h -> ids.add(h.path("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder("host-1", "host-2");

        // the node still replicates: one primary, one streaming replica
        JsonNode primary = null;
        for (JsonNode i : after.path("instances")) {
            if (i.path("postgres").path("role").asText().equals("primary")) {
                primary = i;
            }
        }
        assertThat(primary).as(after.toString()).isNotNull();
        int primaryPort = primary.path("connection_info").path("port").asInt();
        Poll.until(Duration.ofSeconds(60), () -> {
            try (Connection c = connect(primaryPort); Statement st = c.createStatement()) {
                return rows(st, "select usename, state from pg_stat_replication");
            } catch (SQLException e) {
                return List.<List<String>>of();
            }
        }, r -> r.size() == 1 && r.get(0).equals(List.of("patroni_replicator", "streaming")),
                "one streaming replica left");
        h3.close();
        HOSTS.remove("host-3");
    }

    @Test
    @Order(10)
    void deleteLeavesNothingBehind() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        for (String db : DATABASES) {
            JsonNode before = database(h1, db);
            Map<String, String> instances = INSTANCE_HOSTS.computeIfAbsent(db, k -> new LinkedHashMap<>());
            before.path("instances").forEach(i -> instances.put(i.path("id").asText(), i.path("host_id").asText()));
        }
        Map<String, String> tasks = new LinkedHashMap<>();
        for (String db : DATABASES) {
            Http.Response deleted = Http.delete(h1.url("/v1/databases/" + db));
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
            tasks.put(db, deleted.json().path("task").path("task_id").asText());
        }
        for (Map.Entry<String, String> t : tasks.entrySet()) {
            Poll.until(OPERATION, () -> Http.get(h1.url("/v1/databases/" + t.getKey())).status(), s -> s == 404,
                    t.getKey() + " gone; task log:\n" + safeTaskLog(h1, t.getKey(), t.getValue()));
        }

        for (String db : DATABASES) {
            Poll.until(Duration.ofSeconds(60), () -> Docker.run("ps", "-a", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + db,
                    "--format", "{{.ID}}"), List::isEmpty, "no container of " + db);
            assertThat(Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + db, "--format", "{{.Name}}"))
                    .as("services of " + db).isEmpty();
        }
        Set<String> allInstances = new TreeSet<>();
        INSTANCE_HOSTS.values().forEach(m -> allInstances.addAll(m.keySet()));
        assertThat(allInstances).hasSize(5);
        allInstances.addAll(REMOVED_BY_UPDATE);
        // the lost host's files stay on that host; everything else of its instance must be gone too
        for (ServerProcess h : HOSTS.values()) {
            for (String instance : allInstances) {
                assertThat(h.dataDir().resolve("instances").resolve(instance)).doesNotExist();
            }
        }

        if (removedInstance != null) {
            allInstances.add(removedInstance);
        }
        try (EtcdStore etcd = new EtcdStore(etcdConfig(h1), ""); EtcdAdmin admin = new EtcdAdmin(etcdConfig(h1))) {
            for (String db : DATABASES) {
                for (String prefix : List.of("/database_specs/", "/databases/")) {
                    assertThat(etcd.get(prefix + db)).as(prefix + db).isEmpty();
                    assertThat(etcd.getPrefix(prefix + db + "/").keySet()).as(prefix + db + "/").isEmpty();
                }
                for (String prefix : List.of("/instance_specs/", "/instances/", "/instance_statuses/",
                        "/database_secrets/", "/instance_secrets/", "/plans/", "/script_results/")) {
                    assertThat(etcd.get(prefix + db)).as(prefix + db).isEmpty();
                    assertThat(etcd.getPrefix(prefix + db + "/").keySet()).as(prefix + db + "/").isEmpty();
                }
                assertThat(etcd.getPrefix("/patroni/" + db + ":").keySet()).as("Patroni keys of " + db).isEmpty();
            }
            for (String hostId : List.of("host-1", "host-2", "host-3")) {
                etcd.get("/ports/" + hostId).ifPresent(v -> {
                    for (String instance : allInstances) {
                        assertThat(v.value()).as("/ports/" + hostId).doesNotContain("\"" + instance + "/");
                    }
                });
            }
            List<String> users = admin.listUsers();
            for (String instance : allInstances) {
                assertThat(users).doesNotContain("instance-" + instance);
                assertThat(admin.listRoles()).doesNotContain("instance-" + instance);
            }
        }
    }

    // --- crash ---

    /**
     * Kills host-1 with -9 while it runs step {@code step} of a create, provably: the step's
     * "finished" log line, which commits together with the step, is held back by the test (see
     * {@link StepCommitHold}) until host-1 is dead, so the kill lands after the step did its work and
     * before the engine recorded it. After the restart the step must run again and the create finish
     * with one service.
     */
    private void crashDuringCreate(String db, String step) throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        ServerProcess h2 = HOSTS.get("host-2");
        String taskId;
        List<String> servicesAtKill;
        try (StepCommitHold hold = StepCommitHold.of(engineDb.jdbcUrl(), db, step)) {
            Http.Response created = Http.post(h1.url("/v1/databases"), body(db, spec(List.of("host-1"))).toString());
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            taskId = created.json().path("task").path("task_id").asText();
            Poll.until(OPERATION, hold::stepIsWaitingToCommit, waiting -> waiting,
                    "'" + step + "' of " + db + " done and waiting to commit");
            List<String> before = logMessages(h2, db, taskId);
            assertThat(before).as("the step runs").contains("started " + step);
            assertThat(before).as("the step has not finished").noneMatch(m -> m.startsWith("finished " + step));
            servicesAtKill = Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + db, "--format", "{{.Name}}");

            h1.kill();
            h1.killOrphanEtcd();
        }
        System.out.println("killed host-1 while '" + step + "' of " + db + " waited to commit; services: "
                + servicesAtKill);
        // the killed host's transaction is rolled back: the step is still to do
        assertThat(logMessages(h2, db, taskId)).noneMatch(m -> m.startsWith("finished " + step));
        if (step.equals("Create Swarm service")) {
            assertThat(servicesAtKill).as("the step had created the service before the kill").hasSize(1);
        }
        ServerProcess again = new ServerProcess(h1.dataDir(), HTTP_PORTS.get("host-1"), ENVS.get("host-1"))
                .start(Duration.ofSeconds(180));
        HOSTS.put("host-1", again);
        waitForHealthy(again, 3);

        JsonNode task = Poll.until(OPERATION, () -> Http.get(h2.url("/v1/databases/" + db + "/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed|canceled"), db + " task done");
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(again, db, taskId) + "\n" + again.outputTail())
                .isEqualTo("completed");
        JsonNode dbJson = waitForDatabase(again, db, "available", 1);
        String instance = dbJson.path("instances").get(0).path("id").asText();
        assertThat(Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + db, "--format", "{{.Name}}"))
                .containsExactly("postgres-" + instance);
        List<String> containers = Poll.until(Duration.ofSeconds(30), () -> Docker.run("ps", "-a", "--filter",
                "label=" + Docker.DATABASE_LABEL + "=" + db, "--format", "{{.State}}"), c -> c.size() == 1, "one container of " + db);
        assertThat(containers).containsExactly("running");
        try (Connection c = connect(dbJson.path("instances").get(0).path("connection_info").path("port").asInt());
             Statement s = c.createStatement()) {
            assertThat(strings(s, "select current_user::text")).containsExactly("admin");
        }
        List<String> messages = logMessages(again, db, taskId);
        assertThat(messages).anyMatch(m -> m.startsWith("finished Mark database available"));
        assertThat(messages.stream().filter(m -> m.equals("started " + step))).as("the step ran again after the"
                + " restart\n" + String.join("\n", messages)).hasSize(2);
        assertThat(messages.stream().filter(m -> m.startsWith("finished " + step))).hasSize(1);
    }

    /**
     * Holds back the commit of one step of one database's tasks in the shared engine database: a
     * trigger makes the insert of the step's "finished" log line (same transaction as the step's
     * completion) wait for an advisory lock this connection holds. Closing releases the lock (a killed
     * host's transaction then fails and rolls back) and drops the trigger.
     */
    static final class StepCommitHold implements AutoCloseable {
        private final Connection connection;
        private final String trigger;
        private final String key;

        private StepCommitHold(Connection connection, String trigger, String key) {
            this.connection = connection;
            this.trigger = trigger;
            this.key = key;
        }

        static StepCommitHold of(String engineJdbcUrl, String databaseId, String stepName) throws SQLException {
            Connection c = DriverManager.getConnection(engineJdbcUrl, "postgres", "");
            String trigger = "cp_it_hold_" + databaseId.replaceAll("[^a-z0-9]", "_");
            String key = "cp-it-hold-" + databaseId;
            try (Statement s = c.createStatement()) {
                s.execute("""
                        create or replace function cp_it_hold_step_commit() returns trigger language plpgsql as $$
                        begin
                          if NEW.message like ('finished ' || TG_ARGV[1] || ' (took %')
                             and exists (select 1 from cp_task t where t.task_id = NEW.task_id
                                         and t.database_id = TG_ARGV[0]) then
                            perform pg_advisory_xact_lock(hashtext(TG_ARGV[2]));
                          end if;
                          return NEW;
                        end $$""");
                s.execute("create trigger " + trigger + " before insert on cp_task_log_entry for each row execute"
                        + " function cp_it_hold_step_commit('" + databaseId + "', '" + stepName + "', '" + key + "')");
                s.execute("select pg_advisory_lock(hashtext('" + key + "'))");
            }
            return new StepCommitHold(c, trigger, key);
        }

        /** Whether a transaction waits for the lock: the step finished its work and waits to commit. */
        boolean stepIsWaitingToCommit() {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                    "select count(*) from pg_locks where locktype = 'advisory' and not granted")) {
                rs.next();
                return rs.getInt(1) > 0;
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("select pg_advisory_unlock(hashtext('" + key + "'))");
                s.execute("drop trigger if exists " + trigger + " on cp_task_log_entry");
            } finally {
                connection.close();
            }
        }
    }

    // --- cluster ---

    private static ServerProcess host(String id, int index) {
        Map<String, String> env = ServerProcess.clusterEnv(id, "server", engineDb.jdbcUrl(), ADMIN_PASSWORD);
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE + 100 * index));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 100 * index + 99));
        int port = TestServer.freePort();
        ServerProcess p = new ServerProcess(root.resolve(id), port, env);
        HOSTS.put(id, p);
        ENVS.put(id, env);
        HTTP_PORTS.put(id, port);
        return p;
    }

    private static int freePortOutsideRanges() {
        for (int i = 0; i < 100; i++) {
            int p = TestServer.freePort();
            if (p < PORT_BASE || p > PORT_BASE + 400) {
                return p;
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static JsonNode waitForHealthy(ServerProcess h, int count) {
        return Poll.until(Duration.ofSeconds(90), () -> Http.get(h.url("/v1/hosts")).json().path("hosts"),
                hosts -> hosts.size() == count && all(hosts, x -> x.path("status").path("state").asText().equals("healthy")),
                count + " healthy hosts seen from " + h.url(""));
    }

    private static EtcdClientConfig etcdConfig(ServerProcess h) throws IOException {
        Path data = h.dataDir();
        JsonNode generated = JSON.readTree(data.resolve("generated.config.json").toFile());
        Path certs = data.resolve("certificates");
        List<URI> endpoints = new ArrayList<>();
        generated.path("etcd_client").path("endpoints").forEach(e -> endpoints.add(URI.create(e.asText())));
        return EtcdClientConfig.of(endpoints.subList(0, 1), Files.readString(certs.resolve("ca.crt")),
                new CertificateBundle(Files.readString(certs.resolve("etcd-user.crt")),
                        Files.readString(certs.resolve("etcd-user.key"))),
                new EtcdCredentials(generated.path("etcd_username").asText(), generated.path("etcd_password").asText()));
    }


    // --- API ---

    private static ObjectNode body(String id, ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        body.set("spec", spec);
        return body;
    }

    private static ObjectNode spec(List<String> hostIds) {
        ObjectNode spec = AppDatabase.spec(DB_PASSWORD);
        ObjectNode node = spec.putArray("nodes").addObject();
        node.put("name", "n1");
        ArrayNode hosts = node.putArray("host_ids");
        hostIds.forEach(hosts::add);
        return spec;
    }

    private static String updateAndWait(ServerProcess h, String db, ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.set("spec", spec);
        Http.Response updated = Http.post(h.url("/v1/databases/" + db), body.toString());
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("task").path("type").asText()).isEqualTo("update");
        String taskId = updated.json().path("task").path("task_id").asText();
        JsonNode task = waitForTask(h, db, taskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(h, db, taskId) + "\n" + h.outputTail())
                .isEqualTo("completed");
        return taskId;
    }

    private static JsonNode waitForTask(ServerProcess h, String db, String taskId) {
        return Poll.until(OPERATION, () -> Http.get(h.url("/v1/databases/" + db + "/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed|canceled"), db + " task " + taskId + " done");
    }

    private static JsonNode database(ServerProcess h, String db) {
        Http.Response r = Http.get(h.url("/v1/databases/" + db));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode waitForDatabase(ServerProcess h, String db, String state, int instances) {
        return Poll.until(OPERATION, () -> database(h, db), d -> d.path("state").asText().equals(state)
                && d.path("instances").size() == instances
                && all(d.path("instances"), i -> i.path("state").asText().equals("available")
                && !i.path("postgres").path("role").asText().isEmpty()), db + " " + state);
    }

    private static String taskLog(ServerProcess h, String db, String taskId) {
        return String.join("\n", logMessages(h, db, taskId));
    }

    private static String safeTaskLog(ServerProcess h, String db, String taskId) {
        try {
            return taskLog(h, db, taskId);
        } catch (AssertionError e) {
            return e.getMessage();
        }
    }

    private static List<String> logMessages(ServerProcess h, String db, String taskId) {
        JsonNode log = Http.get(h.url("/v1/databases/" + db + "/tasks/" + taskId + "/log")).json();
        List<String> out = new ArrayList<>();
        log.path("entries").forEach(e -> out.add(e.path("message").asText()));
        return out;
    }

    private static boolean all(JsonNode array, Predicate<JsonNode> p) {
        return StreamSupport.stream(array.spliterator(), false).allMatch(p);
    }

    // --- Postgres ---

    private static Connection connect(int port) throws SQLException {
        return AppDatabase.connect(port, DB_PASSWORD, 30);
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<List<String>> rows(Statement s, String sql) {
        List<List<String>> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
        return out;
    }

    // --- Docker ---

}
