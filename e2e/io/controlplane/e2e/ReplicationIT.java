package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdCredentials;
import io.controlplane.etcd.pki.CertificateBundle;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.patroni.ClusterView;
import io.controlplane.patroni.PatroniClient;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Multi-active replication end to end on real containers: a two-node database (n1 with a replica for the
 * switchover, n2) replicates tables, rows and ALTERs both ways and resolves a conflicting update to the
 * later commit; a third node added while a loader writes on n1 and n2 ends with exactly the committed rows
 * and the roles the scripts made; removing it leaves no slot or subscription of it; a Patroni switchover
 * inside n1 does not stop replication either way. Everything is checked with SQL on the nodes' primaries.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {

    private static final String ADMIN_PASSWORD = "replication-it-admin";
    private static final String DB_PASSWORD = "repl-secret-1";
    private static final String DB = "repl";
    private static final Duration OPERATION = Duration.ofSeconds(420);
    private static final Duration REPLICATED = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT_BASE = 26100;

    private static Path root;
    private static EngineDatabase engineDb;
    private static final Map<String, ServerProcess> HOSTS = new LinkedHashMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        root = Files.createTempDirectory("cp-replication-it-");
        engineDb = EngineDatabase.start(root);
        ServerProcess h1 = host("host-1", 0).start(Duration.ofSeconds(180));
        Http.Response init = Http.get(h1.url("/v1/cluster/init?cluster_id=repl-it-cluster"));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String token = init.json().path("token").asText();
        ServerProcess h2 = host("host-2", 1).start(Duration.ofSeconds(180));
        Http.Response join = Http.post(h2.url("/v1/cluster/join"),
                "{\"token\":\"" + token + "\",\"server_urls\":[\"" + h1.url("") + "\"]}");
        assertThat(join.status()).as(join.body()).isEqualTo(204);
        Poll.until(Duration.ofSeconds(90), () -> Http.get(h1.url("/v1/hosts")).json().path("hosts"),
                hosts -> hosts.size() == 2, "2 hosts");
    }

    @AfterAll
    static void stopEverything() {
        for (ServerProcess p : HOSTS.values()) {
            p.close();
            p.killOrphanEtcd();
        }
        Docker.removeDatabaseServices(DB);
        if (engineDb != null) {
            engineDb.close();
        }
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    @Test
    @Order(1)
    void twoNodeDatabaseReplicatesTablesRowsAndAltersBothWays() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        Http.Response created = Http.post(h1.url("/v1/databases"), body(spec(false)).toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String taskId = created.json().path("task").path("task_id").asText();
        JsonNode task = waitForTask(h1, taskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(h1, taskId) + "\n" + h1.outputTail())
                .isEqualTo("completed");
        waitForDatabase(h1, 3);
        List<String> messages = logMessages(h1, taskId);
        for (String step : List.of("Install replication on node", "Create replication slots", "Create subscriptions")) {
            assertThat(messages).as("task log").anyMatch(m -> m.startsWith("finished " + step + " (took "));
        }
        assertThat(String.join("\n", messages)).doesNotContain(DB_PASSWORD).doesNotContain("password=");

        try (Connection n1 = primary("n1"); Connection n2 = primary("n2");
             Statement s1 = n1.createStatement(); Statement s2 = n2.createStatement()) {
            s1.execute("CREATE TABLE from_n1 (id int PRIMARY KEY, note text)");
            s1.execute("INSERT INTO from_n1 VALUES (1, 'written on n1'), (2, 'also on n1')");
            s2.execute("CREATE TABLE from_n2 (id int PRIMARY KEY, note text)");
            s2.execute("INSERT INTO from_n2 VALUES (1, 'written on n2')");
            awaitRows(s2, "SELECT id || ':' || note FROM from_n1 ORDER BY id", List.of("1:written on n1", "2:also on n1"));
            awaitRows(s1, "SELECT id || ':' || note FROM from_n2 ORDER BY id", List.of("1:written on n2"));

            s2.execute("ALTER TABLE from_n1 ADD COLUMN extra text DEFAULT 'd'");
            awaitRows(s1, "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'from_n1'"
                    + " AND column_name = 'extra'", List.of("extra"));
            s1.execute("INSERT INTO from_n1 (id, note, extra) VALUES (3, 'after alter', 'x')");
            awaitRows(s2, "SELECT id || ':' || extra FROM from_n1 ORDER BY id", List.of("1:d", "2:d", "3:x"));

            s1.execute("CREATE TABLE dropped_later (id int PRIMARY KEY)");
            awaitRows(s2, "SELECT count(*)::text FROM pg_tables WHERE tablename = 'dropped_later'", List.of("1"));
            s2.execute("DROP TABLE dropped_later");
            awaitRows(s1, "SELECT count(*)::text FROM pg_tables WHERE tablename = 'dropped_later'", List.of("0"));

            // the mesh as pgEdge names it, with the instance's spock block in the API
            assertThat(strings(s1, "SELECT sub_name FROM pglogical.subscription")).containsExactly("sub_n2_n1");
            assertThat(strings(s2, "SELECT sub_name FROM pglogical.subscription")).containsExactly("sub_n1_n2");
            assertThat(strings(s1, "SELECT count(*)::text FROM pglogical.node_interface WHERE if_dsn LIKE '%password%'"))
                    .containsExactly("0");
        }
        JsonNode spock = Poll.until(Duration.ofSeconds(30), () -> instance(h1, "n1", "primary").path("spock"),
                s -> s.path("subscriptions").size() == 1, "spock block of n1");
        assertThat(spock.path("subscriptions").get(0).path("name").asText()).isEqualTo("sub_n2_n1");
        assertThat(spock.path("subscriptions").get(0).path("provider_node").asText()).isEqualTo("n2");
        assertThat(spock.path("subscriptions").get(0).path("status").asText()).isEqualTo("replicating");
        assertThat(spock.path("read_only").asText()).isEqualTo("off");
        assertThat(spock.path("version").asText()).isNotBlank();
    }

    @Test
    @Order(2)
    void concurrentUpdatesOfOneRowConvergeToTheLaterCommit() throws Exception {
        try (Connection n1 = primary("n1"); Connection n2 = primary("n2");
             Statement s1 = n1.createStatement(); Statement s2 = n2.createStatement()) {
            s1.execute("CREATE TABLE items (id int PRIMARY KEY, val text)");
            s1.execute("INSERT INTO items VALUES (1, 'initial')");
            awaitRows(s2, "SELECT val FROM items", List.of("initial"));
            n1.setAutoCommit(false);
            n2.setAutoCommit(false);
            s1.executeUpdate("UPDATE items SET val = 'n1 first' WHERE id = 1");
            s2.executeUpdate("UPDATE items SET val = 'n2 later' WHERE id = 1");
            n1.commit();
            Thread.sleep(20);
            n2.commit();
            n1.setAutoCommit(true);
            n2.setAutoCommit(true);
            awaitRows(s1, "SELECT val FROM items", List.of("n2 later"));
            awaitRows(s2, "SELECT val FROM items", List.of("n2 later"));
        }
    }

    @Test
    @Order(3)
    void thirdNodeAddedUnderLoadHasExactlyTheCommittedRowsAndTheScriptRoles() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        try (Connection n1 = primary("n1"); Statement s1 = n1.createStatement()) {
            s1.execute("CREATE TABLE load (id text PRIMARY KEY, origin text NOT NULL)");
        }
        try (Connection n2 = primary("n2"); Statement s2 = n2.createStatement()) {
            awaitRows(s2, "SELECT count(*)::text FROM pg_tables WHERE tablename = 'load'", List.of("1"));
        }
        Set<String> committed = new ConcurrentSkipListSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> loaderError = new AtomicReference<>();
        List<Thread> loaders = new ArrayList<>();
        for (String node : List.of("n1", "n2")) {
            int port = port(node);
            Thread t = new Thread(() -> {
                try (Connection c = connect(port); Statement s = c.createStatement()) {
                    for (int i = 0; !stop.get(); i++) {
                        String id = node + "-" + i;
                        s.executeUpdate("INSERT INTO load VALUES ('" + id + "', '" + node + "')");
                        committed.add(id);
                        Thread.sleep(5);
                    }
                } catch (Throwable e) {
                    loaderError.compareAndSet(null, e);
                }
            }, "loader-" + node);
            t.start();
            loaders.add(t);
        }
        String taskId;
        try {
            Thread.sleep(1000);
            taskId = updateAndWait(h1, spec(true));
            Thread.sleep(1000);
        } finally {
            stop.set(true);
            for (Thread t : loaders) {
                t.join(30_000);
            }
        }
        assertThat(loaderError.get()).as("the loaders kept writing during the add").isNull();
        waitForDatabase(h1, 4);
        assertThat(committed).anyMatch(id -> id.startsWith("n1-")).anyMatch(id -> id.startsWith("n2-"));
        List<String> expected = new ArrayList<>(new TreeSet<>(committed));
        System.out.printf("MEASURED: %d rows committed by the loaders during the add%n", expected.size());
        for (String node : List.of("n1", "n2", "n3")) {
            try (Connection c = primary(node); Statement s = c.createStatement()) {
                awaitRows(s, "SELECT id FROM load ORDER BY id COLLATE \"C\"", sortedC(expected));
            }
        }
        List<String> messages = logMessages(h1, taskId);
        assertThat(messages).anyMatch(m -> m.startsWith("finished Copy data from source node"));
        assertThat(messages).noneMatch(m -> m.contains("ran post_init") && m.contains("n3"));
        try (Connection n3 = primary("n3"); Statement s3 = n3.createStatement()) {
            // the new node is a copy of n1: the role post_init made, granted to the admin; the script's table
            // with its row once; the earlier tables
            assertThat(strings(s3, "SELECT rolname::text FROM pg_roles WHERE rolname = 'test_role'"))
                    .containsExactly("test_role");
            assertThat(strings(s3, "SELECT pg_has_role('admin', 'test_role', 'MEMBER')::text")).containsExactly("true");
            assertThat(strings(s3, "SELECT id || ':' || note FROM script_made")).containsExactly("1:made by the script");
            awaitRows(s3, "SELECT val FROM items", List.of("n2 later"));
            assertThat(strings(s3, "SELECT sub_name FROM pglogical.subscription ORDER BY 1"))
                    .containsExactly("sub_n1_n3", "sub_n2_n3");
            // three-node mesh: DDL and rows from the new node reach both others, and theirs reach it
            s3.execute("CREATE TABLE from_n3 (id int PRIMARY KEY, note text)");
            s3.execute("INSERT INTO from_n3 VALUES (1, 'written on n3')");
        }
        try (Connection n2 = primary("n2"); Statement s2 = n2.createStatement()) {
            s2.execute("INSERT INTO from_n2 VALUES (2, 'after the add')");
        }
        try (Connection n1 = primary("n1"); Statement s1 = n1.createStatement()) {
            s1.execute("CREATE TABLE from_n1_after_add (id int PRIMARY KEY)");
            s1.execute("INSERT INTO from_n1_after_add VALUES (7)");
        }
        for (String node : List.of("n1", "n2", "n3")) {
            try (Connection c = primary(node); Statement s = c.createStatement()) {
                awaitRows(s, "SELECT note FROM from_n3", List.of("written on n3"));
                awaitRows(s, "SELECT note FROM from_n2 ORDER BY id", List.of("written on n2", "after the add"));
                awaitRows(s, "SELECT id::text FROM from_n1_after_add", List.of("7"));
            }
        }
        // an ALTER on the new node reaches both others; a conflicting update of n3 and n1 converges to the later
        try (Connection n3 = primary("n3"); Connection n1 = primary("n1");
             Statement s3 = n3.createStatement(); Statement s1 = n1.createStatement()) {
            s3.execute("ALTER TABLE from_n3 ADD COLUMN added_on_n3 int DEFAULT 3");
            n1.setAutoCommit(false);
            n3.setAutoCommit(false);
            s3.executeUpdate("UPDATE items SET val = 'n3 first' WHERE id = 1");
            s1.executeUpdate("UPDATE items SET val = 'n1 later' WHERE id = 1");
            n3.commit();
            Thread.sleep(20);
            n1.commit();
            n1.setAutoCommit(true);
            n3.setAutoCommit(true);
        }
        for (String node : List.of("n1", "n2", "n3")) {
            try (Connection c = primary(node); Statement s = c.createStatement()) {
                awaitRows(s, "SELECT added_on_n3::text FROM from_n3", List.of("3"));
                awaitRows(s, "SELECT val FROM items", List.of("n1 later"));
            }
        }
    }

    @Test
    @Order(4)
    void removedNodeLeavesNoSlotOrSubscriptionAndTheOthersKeepReplicating() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        updateAndWait(h1, spec(false));
        waitForDatabase(h1, 3);
        try (Connection n1 = primary("n1"); Connection n2 = primary("n2");
             Statement s1 = n1.createStatement(); Statement s2 = n2.createStatement()) {
            for (Statement s : List.of(s1, s2)) {
                assertThat(strings(s, "SELECT sub_name FROM pglogical.subscription")).noneMatch(n -> n.contains("n3"));
                assertThat(strings(s, "SELECT slot_name::text FROM pg_replication_slots"))
                        .noneMatch(n -> n.contains("n3"));
            }
            s1.execute("INSERT INTO from_n1 (id, note) VALUES (10, 'after the removal')");
            s2.execute("INSERT INTO from_n2 VALUES (10, 'after the removal')");
            awaitRows(s2, "SELECT note FROM from_n1 WHERE id = 10", List.of("after the removal"));
            awaitRows(s1, "SELECT note FROM from_n2 WHERE id = 10", List.of("after the removal"));
        }
        for (String member : patroniMembers("n1").keySet()) {
            PatroniClient patroni = patroniMembers("n1").get(member);
            assertThat(patroni.permanentSlots()).noneMatch(n -> n.contains("n3"));
        }
    }

    @Test
    @Order(5)
    void switchoverInsideN1KeepsReplicationGoingBothWays() throws Exception {
        Map<String, PatroniClient> members = patroniMembers("n1");
        PatroniClient any = members.values().iterator().next();
        ClusterView cluster = any.cluster();
        String leader = cluster.leader().orElseThrow().name();
        String candidate = members.keySet().stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow();
        any.switchover(leader, candidate);
        Poll.until(Duration.ofSeconds(90), () -> any.cluster().leader().map(ClusterView.Member::name).orElse(""),
                candidate::equals, "n1's leader is " + candidate);
        long switched = System.nanoTime();
        try (Connection n2 = primary("n2"); Statement s2 = n2.createStatement()) {
            s2.execute("INSERT INTO from_n2 VALUES (20, 'n2 after the switchover')");
        }
        Connection n1 = Poll.until(Duration.ofSeconds(60), ReplicationIT::primaryOrNull, c -> c != null,
                "the new primary of n1 accepts connections");
        try (n1; Statement s1 = n1.createStatement()) {
            assertThat(strings(s1, "SELECT pg_is_in_recovery()::text")).containsExactly("false");
            s1.execute("INSERT INTO from_n1 (id, note) VALUES (20, 'n1 after the switchover')");
            awaitRows(s1, "SELECT note FROM from_n2 WHERE id = 20", List.of("n2 after the switchover"));
        }
        try (Connection n2 = primary("n2"); Statement s2 = n2.createStatement()) {
            awaitRows(s2, "SELECT note FROM from_n1 WHERE id = 20", List.of("n1 after the switchover"));
        }
        System.out.printf("MEASURED: rows both ways %.1f s after the switchover%n", (System.nanoTime() - switched) / 1e9);
    }

    // --- cluster and API ---

    private static ServerProcess host(String id, int index) {
        Map<String, String> env = ServerProcess.clusterEnv(id, "server", engineDb.jdbcUrl(), ADMIN_PASSWORD);
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE + 100 * index));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 100 * index + 99));
        ServerProcess p = new ServerProcess(root.resolve(id), TestServer.freePort(), env);
        HOSTS.put(id, p);
        return p;
    }

    private static ObjectNode body(ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", DB);
        body.set("spec", spec);
        return body;
    }

    /** n1 on both hosts (a replica for the switchover), n2 on host-2, and with {@code n3} n3 on host-1 copied from n1. */
    private static ObjectNode spec(boolean withN3) {
        ObjectNode spec = AppDatabase.spec(DB_PASSWORD);
        ObjectNode user = AppDatabase.admin(spec);
        user.putArray("roles").add("test_role");
        ObjectNode scripts = spec.putObject("scripts");
        scripts.putArray("post_init").add("CREATE ROLE test_role NOLOGIN");
        scripts.putArray("post_database_create").add("CREATE TABLE script_made (id int PRIMARY KEY, note text)")
                .add("INSERT INTO script_made VALUES (1, 'made by the script')");
        ArrayNode nodes = spec.putArray("nodes");
        ObjectNode n1 = nodes.addObject();
        n1.put("name", "n1");
        n1.putArray("host_ids").add("host-1").add("host-2");
        ObjectNode n2 = nodes.addObject();
        n2.put("name", "n2");
        n2.putArray("host_ids").add("host-2");
        if (withN3) {
            ObjectNode n3 = nodes.addObject();
            n3.put("name", "n3");
            n3.put("source_node", "n1");
            n3.putArray("host_ids").add("host-1");
        }
        return spec;
    }

    private static String updateAndWait(ServerProcess h, ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.set("spec", spec);
        Http.Response updated = Http.post(h.url("/v1/databases/" + DB), body.toString());
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        String taskId = updated.json().path("task").path("task_id").asText();
        JsonNode task = waitForTask(h, taskId);
        assertThat(task.path("status").asText()).as(task + "\n" + taskLog(h, taskId) + "\n" + h.outputTail())
                .isEqualTo("completed");
        return taskId;
    }

    private static JsonNode waitForTask(ServerProcess h, String taskId) {
        return Poll.until(OPERATION, () -> Http.get(h.url("/v1/databases/" + DB + "/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed|canceled"), DB + " task " + taskId + " done");
    }

    private static JsonNode database(ServerProcess h) {
        Http.Response r = Http.get(h.url("/v1/databases/" + DB));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode waitForDatabase(ServerProcess h, int instances) {
        return Poll.until(OPERATION, () -> database(h), d -> d.path("state").asText().equals("available")
                && d.path("instances").size() == instances
                && all(d.path("instances"), i -> i.path("state").asText().equals("available")
                && !i.path("postgres").path("role").asText().isEmpty()), DB + " available");
    }

    private static JsonNode instance(ServerProcess h, String node, String role) {
        for (JsonNode i : database(h).path("instances")) {
            if (i.path("node_name").asText().equals(node) && i.path("postgres").path("role").asText().equals(role)) {
                return i;
            }
        }
        return JSON.createObjectNode();
    }

    private static String taskLog(ServerProcess h, String taskId) {
        return String.join("\n", logMessages(h, taskId));
    }

    private static List<String> logMessages(ServerProcess h, String taskId) {
        JsonNode log = Http.get(h.url("/v1/databases/" + DB + "/tasks/" + taskId + "/log")).json();
        List<String> out = new ArrayList<>();
        log.path("entries").forEach(e -> out.add(e.path("message").asText()));
        return out;
    }

    private static boolean all(JsonNode array, java.util.function.Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (!p.test(n)) {
                return false;
            }
        }
        return true;
    }

    /** The Patroni REST API of each member of a node, by member name, from the members' keys in etcd. */
    private static Map<String, PatroniClient> patroniMembers(String node) throws IOException {
        Map<String, PatroniClient> members = new LinkedHashMap<>();
        try (EtcdStore etcd = new EtcdStore(etcdConfig(HOSTS.get("host-1")), "")) {
            String prefix = "/patroni/" + DB + ":" + node + "/members/";
            for (var e : etcd.getPrefix(prefix).entrySet()) {
                URI api = URI.create(JSON.readTree(e.getValue().value()).path("api_url").asText());
                members.put(e.getKey().substring(prefix.length()), new PatroniClient(api.getHost(), api.getPort()));
            }
        }
        assertThat(members).as("Patroni members of " + node).isNotEmpty();
        return members;
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

    // --- Postgres ---

    /** The port of the node's current primary, as Postgres itself says (not the API's possibly older view). */
    private static int port(String node) {
        JsonNode db = database(HOSTS.get("host-1"));
        for (JsonNode i : db.path("instances")) {
            if (!i.path("node_name").asText().equals(node)) {
                continue;
            }
            int port = i.path("connection_info").path("port").asInt();
            try (Connection c = connect(port); Statement s = c.createStatement()) {
                if (strings(s, "SELECT pg_is_in_recovery()::text").equals(List.of("false"))) {
                    return port;
                }
            } catch (SQLException e) {
                // not up, or not the primary
            }
        }
        throw new AssertionError("node " + node + " has no primary now: " + db);
    }

    private static Connection primary(String node) throws SQLException {
        return connect(port(node));
    }

    private static Connection primaryOrNull() {
        try {
            return primary("n1");
        } catch (SQLException | AssertionError e) {
            return null;
        }
    }

    private static Connection connect(int port) throws SQLException {
        return AppDatabase.connect(port, DB_PASSWORD, 60);
    }

    private static void awaitRows(Statement s, String sql, List<String> expected) {
        Poll.until(REPLICATED, () -> stringsOrError(s, sql), expected::equals, sql + " = " + abbreviate(expected));
    }

    private static String abbreviate(List<String> l) {
        return l.size() <= 10 ? l.toString() : l.size() + " rows " + l.subList(0, 5) + "...";
    }

    private static List<String> stringsOrError(Statement s, String sql) {
        try {
            return strings(s, sql);
        } catch (SQLException e) {
            return List.of("error: " + e.getMessage());
        }
    }

    private static List<String> sortedC(List<String> ids) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(String::compareTo);
        return sorted;
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

}
