package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backups and restores end to end with real pgBackRest inside the real Postgres containers: a posix
 * repository (a host directory mounted into the container), backups through the API with their output in
 * the task log, the listing, an in-place restore to a backup set and to a point in time, bad input, and
 * an S3 repository (s3proxy on 127.0.0.1, started here) from which a new database is created.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupIT {

    private static final String DB = "bk1";
    private static final String DB_PASSWORD = "backup-it-secret";
    private static final List<String> DATABASES = List.of(DB, "bk2", "bk3");
    private static final Duration OPERATION = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT_BASE = 25600;

    private static Path root;
    private static Path repository;
    private static ServerProcess host;
    private static S3Proxy s3;
    private static int port;
    private static String firstSet;
    private static String secondSet;
    private static String beforeTarget;

    @BeforeAll
    static void startHost() throws Exception {
        root = Files.createTempDirectory("cp-backup-it-");
        repository = root.resolve("repository");
        Files.createDirectories(repository);
        // the container user (100:102) reaches its node's directory below the base path
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(repository, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = ServerProcess.clusterEnv("host-1", "server", "", "backup-it-admin");
        env.keySet().removeIf(k -> k.startsWith("CONTROL_PLANE_ENGINE__DATASOURCE"));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 99));
        host = new ServerProcess(root.resolve("host-1"), TestServer.freePort(), env).start(Duration.ofSeconds(180));
        host.initSingleHostCluster("backup-it");
    }

    @AfterAll
    static void stopEverything() {
        if (host != null) {
            host.close();
            host.killOrphanEtcd();
        }
        Docker.removeDatabaseServices(DATABASES);
        if (s3 != null) {
            s3.close();
        }
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    @Test
    @Order(1)
    void fullBackupToAPosixRepositoryIsListedWithItsAnnotations() throws Exception {
        // n1 is backed up and restored; n2 replicates with it (multi-active) and must keep doing so after a restore
        ObjectNode spec = spec();
        ((ObjectNode) spec.path("nodes").get(0)).putObject("backup_config").putArray("repositories").addObject()
                .put("id", "local").put("type", "posix").put("base_path", repository.toString());
        ObjectNode n2 = spec.withArray("nodes").addObject();
        n2.put("name", "n2");
        n2.putArray("host_ids").add("host-1");
        createAndWait(DB, spec);
        port = primaryPort(DB, "n1");
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            s.execute("create table items (id int primary key, name text not null)");
            s.execute("insert into items values (1, 'first'), (2, 'second')");
        }
        try (Connection c = connect(primaryPort(DB, "n2")); Statement s = c.createStatement()) {
            awaitRows(s, "select name from items order by id", List.of("first", "second"));
        }

        long started = System.nanoTime();
        String task = backupAndWait(DB, "{\"type\":\"full\",\"annotations\":{\"purpose\":\"e2e\"}}");
        System.out.printf("MEASURED: full backup through the API: %.1f s%n", (System.nanoTime() - started) / 1e9);
        List<String> log = logMessages(DB, task);
        assertThat(log).as("pgBackRest output in the task log").anyMatch(m -> m.contains("backup command begin"))
                .anyMatch(m -> m.contains("new backup label"));
        assertThat(log).anyMatch(m -> m.startsWith("finished Run pgBackRest backup"));
        assertThat(String.join("\n", log)).doesNotContain("repo1-s3-key-secret=");

        JsonNode sets = listBackups(DB);
        assertThat(sets).hasSize(1);
        JsonNode set = sets.get(0);
        assertThat(set.path("type").asText()).isEqualTo("full");
        assertThat(set.path("annotations").path("purpose").asText()).isEqualTo("e2e");
        assertThat(set.path("annotations").path("controlplane-task").asText()).isEqualTo(task);
        assertThat(set.path("size").asLong()).isPositive();
        assertThat(set.path("wal").path("start").asText()).isNotEmpty();
        firstSet = set.path("label").asText();
        Path sets1 = repository.resolve("databases/" + DB + "/local/n1/backup/db");
        try (Stream<Path> files = Files.list(sets1)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains(firstSet);
        }
    }

    @Test
    @Order(2)
    void badBackupAndRestoreRequestsAreRefusedWithTheFieldPath() {
        assertBadRequest(Http.post(host.url("/v1/databases/" + DB + "/nodes/n9/backups"), "{\"type\":\"full\"}"),
                "node_name");
        assertBadRequest(Http.post(host.url("/v1/databases/" + DB + "/nodes/n1/backups"), "{\"type\":\"weekly\"}"),
                "type");
        assertBadRequest(Http.post(host.url("/v1/databases/" + DB + "/nodes/n1/backups"),
                "{\"type\":\"full\",\"backup_options\":{\"repo\":\"nowhere\"}}"), "backup_options.repo");
        assertBadRequest(Http.post(host.url("/v1/databases/" + DB + "/restore"), "{\"target_nodes\":[\"n1\"]}"),
                "restore_config");
        ObjectNode unknownRepo = restoreBody(Map.of("type", "immediate"));
        ((ObjectNode) unknownRepo.path("restore_config").path("repository")).put("id", "nowhere");
        assertBadRequest(Http.post(host.url("/v1/databases/" + DB + "/restore"), unknownRepo.toString()),
                "restore_config.repository.id");
        assertBadRequest(Http.post(host.url("/v1/databases/" + DB + "/restore"),
                restoreBody(Map.of("type", "time")).toString()), "restore_config.restore_options[target]");
        JsonNode db = database(DB);
        assertThat(db.path("state").asText()).isEqualTo("available");
    }

    @Test
    @Order(3)
    void inPlaceRestoreToTheFirstSetBringsTheDeletedRowsBack() throws Exception {
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            s.execute("delete from items");
        }
        backupAndWait(DB, "{\"type\":\"incr\"}");
        JsonNode sets = listBackups(DB);
        assertThat(sets).hasSize(2);
        assertThat(sets.get(0).path("label").asText()).isEqualTo(firstSet);
        assertThat(sets.get(1).path("type").asText()).isEqualTo("incr");
        secondSet = sets.get(1).path("label").asText();

        // rows for the point-in-time restore: one committed before the target, one after
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            s.execute("insert into items values (10, 'before')");
            beforeTarget = strings(s, "select to_char(clock_timestamp() at time zone 'UTC', "
                    + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").get(0);
            Thread.sleep(1500);
            s.execute("insert into items values (11, 'after')");
            String segment = strings(s, "select pg_walfile_name(pg_switch_wal())").get(0);
            Poll.until(Duration.ofSeconds(60), () -> strings(s, "select coalesce(last_archived_wal, '') from pg_stat_archiver")
                    .get(0), w -> w.compareTo(segment) >= 0, "WAL segment " + segment + " archived");
        }

        long started = System.nanoTime();
        JsonNode restored = restoreAndWait(restoreBody(Map.of("set", firstSet, "type", "immediate")));
        System.out.printf("MEASURED: in-place restore through the API: %.1f s%n", (System.nanoTime() - started) / 1e9);
        assertThat(restored.path("status").asText()).isEqualTo("completed");
        port = primaryPort(DB, "n1");
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            assertThat(strings(s, "select name from items order by id")).containsExactly("first", "second");
        }
        JsonNode spec = database(DB).path("spec");
        assertThat(spec.path("nodes").get(0).has("backup_config"))
                .as("the restored node's backup config is removed: " + spec).isFalse();
        List<String> log = logMessages(DB, restored.path("task_id").asText());
        assertThat(log).anyMatch(m -> m.contains("sub_n2_n1 dropped") || m.contains("sub_n1_n2 dropped"));
        assertThat(log).anyMatch(m -> m.contains("sub_n1_n2 created")).anyMatch(m -> m.contains("sub_n2_n1 created"));

        // the restored node replicates with n2 again, both ways; nothing was copied either way (n2 kept its
        // rows, written after the backup; n1 did not get them back, n2 did not get n1's restored rows)
        try (Connection c1 = connect(port); Statement s1 = c1.createStatement();
             Connection c2 = connect(primaryPort(DB, "n2")); Statement s2 = c2.createStatement()) {
            s1.execute("insert into items values (100, 'from n1 after the restore')");
            awaitRows(s2, "select name from items order by id",
                    List.of("before", "after", "from n1 after the restore"));
            s2.execute("insert into items values (200, 'from n2 after the restore')");
            awaitRows(s1, "select name from items order by id",
                    List.of("first", "second", "from n1 after the restore", "from n2 after the restore"));
        }
    }

    @Test
    @Order(4)
    void aCanceledRestoreStopsTheNodeAndLeavesTheDatabaseFailedUntilItIsRestoredAgain() {
        Http.Response r = Http.post(host.url("/v1/databases/" + DB + "/restore"),
                restoreBody(Map.of("set", firstSet, "type", "immediate")).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String task = r.json().path("task").path("task_id").asText();
        String nodeTask = r.json().path("node_tasks").get(0).path("task_id").asText();
        // cancel while the node's primary is being created from the backup
        Poll.until(OPERATION, () -> logMessages(DB, task), log -> log.stream()
                .anyMatch(m -> m.startsWith("started Create Swarm service")), "restore creating the primary");
        Http.Response cancel = Http.get(host.url("/v1/databases/" + DB + "/tasks/" + task + "/cancel"));
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);

        JsonNode done = waitForTask(DB, task);
        List<String> log = logMessages(DB, task);
        assertThat(done.path("status").asText()).as(done + "\n" + String.join("\n", log)).isEqualTo("canceled");
        assertThat(waitForTask(DB, nodeTask).path("status").asText()).isEqualTo("canceled");
        assertThat(log).anyMatch(m -> m.startsWith("cleanup: stop the instances being restored")
                && m.endsWith("their nodes must be restored again"));
        // (the instance's error says so only until the instance monitor reports the stopped instance)
        assertThat(database(DB).path("state").asText()).isEqualTo("failed");
        // nothing of n1 runs half-restored; n2 goes on
        assertThat(Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + DB, "--filter",
                "label=controlplane.node.name=n1", "--format", "{{.Name}}")).isEmpty();
        assertThat(Docker.run("service", "ls", "--filter", "label=" + Docker.DATABASE_LABEL + "=" + DB, "--filter",
                "label=controlplane.node.name=n2", "--format", "{{.Name}}")).hasSize(1);
    }

    @Test
    @Order(5)
    void pointInTimeRestoreKeepsRowsCommittedBeforeTheTargetOnly() throws Exception {
        restoreAndWait(restoreBody(Map.of("type", "time", "target", beforeTarget)));
        port = primaryPort(DB, "n1");
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            assertThat(strings(s, "select name from items order by id")).containsExactly("before");
        }
        // restored again after the canceled restore: back in the mesh
        try (Connection c1 = connect(port); Statement s1 = c1.createStatement();
             Connection c2 = connect(primaryPort(DB, "n2")); Statement s2 = c2.createStatement()) {
            s2.execute("insert into items values (300, 'from n2 after the second restore')");
            awaitRows(s1, "select name from items order by id", List.of("before", "from n2 after the second restore"));
        }
    }

    @Test
    @Order(6)
    void backupToS3ThenANewDatabaseIsCreatedFromIt() throws Exception {
        s3 = S3Proxy.start(root.resolve("s3"));
        ObjectNode spec = spec();
        s3Repository(spec.putObject("backup_config").putArray("repositories").addObject());
        createAndWait("bk2", spec);
        try (Connection c = connect(primaryPort("bk2", "n1")); Statement s = c.createStatement()) {
            s.execute("create table orders (id int primary key, item text not null)");
            s.execute("insert into orders values (1, 'book'), (2, 'pen'), (3, 'lamp')");
        }
        String task = backupAndWait("bk2", "{\"type\":\"full\"}");
        String log = String.join("\n", logMessages("bk2", task));
        assertThat(log).contains("new backup label").doesNotContain(S3Proxy.SECRET_KEY);
        assertThat(listBackups("bk2")).hasSize(1);
        JsonNode shown = database("bk2").path("spec").path("backup_config").path("repositories").get(0);
        assertThat(shown.toString()).doesNotContain(S3Proxy.SECRET_KEY);

        ObjectNode copy = spec();
        ObjectNode restore = copy.putObject("restore_config");
        restore.put("source_database_id", "bk2").put("source_node_name", "n1").put("source_database_name", "app");
        ObjectNode repo = restore.putObject("repository");
        s3Repository(repo);
        repo.remove("retention_full");
        long started = System.nanoTime();
        createAndWait("bk3", copy);
        System.out.printf("MEASURED: new database from an S3 backup: %.1f s%n", (System.nanoTime() - started) / 1e9);
        try (Connection c = connect(primaryPort("bk3", "n1")); Statement s = c.createStatement()) {
            assertThat(strings(s, "select item from orders order by id")).containsExactly("book", "pen", "lamp");
        }

        // a node added with a node-level restore_config is created from the backup too
        ObjectNode node = (ObjectNode) copy.withArray("nodes").addObject();
        node.put("name", "n2");
        node.putArray("host_ids").add("host-1");
        node.set("restore_config", restore.deepCopy());
        updateAndWait("bk3", copy);
        int n2 = 0;
        for (JsonNode i : database("bk3").path("instances")) {
            if (i.path("node_name").asText().equals("n2")) {
                n2 = i.path("connection_info").path("port").asInt();
            }
        }
        assertThat(n2).isPositive();
        try (Connection c = connect(n2); Statement s = c.createStatement()) {
            assertThat(strings(s, "select item from orders order by id")).containsExactly("book", "pen", "lamp");
        }
    }

    @Test
    @Order(7)
    void aScheduleEveryMinuteTakesOneBackupPerMinuteUntilItIsRemoved() throws Exception {
        ObjectNode spec = spec();
        ObjectNode backup = spec.putObject("backup_config");
        s3Repository(backup.putArray("repositories").addObject());
        backup.putArray("schedules").addObject().put("id", "minutely").put("type", "incr")
                .put("cron_expression", "* * * * *");
        ObjectNode body = JSON.createObjectNode();
        body.set("spec", spec);
        Http.Response update = Http.post(host.url("/v1/databases/bk2"), body.toString());
        assertThat(update.status()).as(update.body()).isEqualTo(200);
        Http.Response busy = Http.post(host.url("/v1/databases/bk2/nodes/n1/backups"), "{\"type\":\"full\"}");
        assertThat(busy.status()).as("a backup while the database is modifying: " + busy.body()).isEqualTo(409);
        String updateTask = update.json().path("task").path("task_id").asText();
        assertThat(waitForTask("bk2", updateTask).path("status").asText()).isEqualTo("completed");
        JsonNode schedule = Poll.until(Duration.ofSeconds(60), () -> tasks("bk2", "backup_schedule"),
                t -> t.size() == 1 && t.get(0).path("status").asText().equals("running"), "a running schedule task")
                .get(0);

        JsonNode sets = Poll.until(Duration.ofSeconds(200), () -> listBackups("bk2"),
                b -> scheduled(b).size() >= 2, "two scheduled backups");
        List<String> fireTimes = scheduled(sets);
        assertThat(fireTimes).doesNotHaveDuplicates();
        for (String t : fireTimes) {
            assertThat(t).as("fired on a whole minute").endsWith(":00Z");
        }
        assertThat(java.time.Duration.between(java.time.Instant.parse(fireTimes.get(0)),
                java.time.Instant.parse(fireTimes.get(1)))).isEqualTo(Duration.ofMinutes(1));
        List<String> log = logMessages("bk2", schedule.path("task_id").asText());
        assertThat(log).anyMatch(m -> m.startsWith("started incr backup task"));

        ObjectNode without = spec();
        s3Repository(without.putObject("backup_config").putArray("repositories").addObject());
        updateAndWait("bk2", without);
        Poll.until(Duration.ofSeconds(60), () -> Http.get(host.url("/v1/databases/bk2/tasks/"
                + schedule.path("task_id").asText())).json(), t -> t.path("status").asText().equals("canceled"),
                "the schedule's task canceled");
    }

    /** The fire times of the scheduled sets, oldest first. */
    private static List<String> scheduled(JsonNode sets) {
        List<String> out = new ArrayList<>();
        sets.forEach(b -> {
            if (b.path("annotations").path("controlplane-schedule").asText().equals("minutely")) {
                out.add(b.path("annotations").path("controlplane-scheduled-for").asText());
            }
        });
        return out;
    }

    private static List<JsonNode> tasks(String db, String type) {
        List<JsonNode> out = new ArrayList<>();
        Http.get(host.url("/v1/databases/" + db + "/tasks")).json().path("tasks").forEach(t -> {
            if (t.path("type").asText().equals(type)) {
                out.add(t);
            }
        });
        return out;
    }

    private static void updateAndWait(String db, ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.set("spec", spec);
        Http.Response r = Http.post(host.url("/v1/databases/" + db), body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String task = r.json().path("task").path("task_id").asText();
        JsonNode done = waitForTask(db, task);
        assertThat(done.path("status").asText()).as(done + "\n" + String.join("\n", logMessages(db, task)))
                .isEqualTo("completed");
    }

    private static void s3Repository(ObjectNode repo) {
        repo.put("id", "s3").put("type", "s3").put("s3_bucket", S3Proxy.BUCKET).put("s3_endpoint", "127.0.0.1")
                .put("s3_region", "us-east-1").put("s3_key", S3Proxy.ACCESS_KEY).put("s3_key_secret", S3Proxy.SECRET_KEY)
                .put("retention_full", 2);
        repo.putObject("custom_options").put("s3-uri-style", "path").put("storage-port", String.valueOf(s3.port()))
                .put("storage-verify-tls", "n");
    }

    // ---- helpers

    private static ObjectNode restoreBody(Map<String, String> options) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode config = body.putObject("restore_config");
        config.put("source_database_id", DB).put("source_node_name", "n1").put("source_database_name", "app");
        config.putObject("repository").put("id", "local").put("type", "posix").put("base_path", repository.toString());
        ObjectNode o = config.putObject("restore_options");
        options.forEach(o::put);
        body.putArray("target_nodes").add("n1");
        return body;
    }

    private static JsonNode restoreAndWait(ObjectNode body) {
        Http.Response r = Http.post(host.url("/v1/databases/" + DB + "/restore"), body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("task").path("type").asText()).isEqualTo("restore");
        assertThat(r.json().path("node_tasks")).hasSize(1);
        JsonNode nodeTask = r.json().path("node_tasks").get(0);
        assertThat(nodeTask.path("type").asText()).isEqualTo("node_restore");
        assertThat(nodeTask.path("node_name").asText()).isEqualTo("n1");
        assertThat(r.json().path("database").path("state").asText()).isEqualTo("restoring");
        // nothing else while the restore runs
        assertThat(Http.post(host.url("/v1/databases/" + DB + "/nodes/n1/backups"), "{\"type\":\"full\"}").status())
                .isEqualTo(400); // the restored node has no backup config any more
        Http.Response again = Http.post(host.url("/v1/databases/" + DB + "/restore"), body.toString());
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        String task = r.json().path("task").path("task_id").asText();
        JsonNode done = waitForTask(DB, task);
        assertThat(done.path("status").asText()).as(done + "\n" + String.join("\n", logMessages(DB, task)) + "\n"
                + host.outputTail()).isEqualTo("completed");
        JsonNode child = waitForTask(DB, nodeTask.path("task_id").asText());
        assertThat(child.path("status").asText()).isEqualTo("completed");
        waitForAvailable(DB);
        return done;
    }

    private static void assertBadRequest(Http.Response r, String path) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).as(r.body()).contains(path);
    }

    private static ObjectNode spec() {
        ObjectNode spec = AppDatabase.spec(DB_PASSWORD);
        ObjectNode node = spec.putArray("nodes").addObject();
        node.put("name", "n1");
        node.putArray("host_ids").add("host-1");
        return spec;
    }

    private static void createAndWait(String id, ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        body.set("spec", spec);
        Http.Response created = Http.post(host.url("/v1/databases"), body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String task = created.json().path("task").path("task_id").asText();
        JsonNode done = waitForTask(id, task);
        assertThat(done.path("status").asText()).as(done + "\n" + String.join("\n", logMessages(id, task)) + "\n"
                + host.outputTail()).isEqualTo("completed");
        waitForAvailable(id);
    }

    private static String backupAndWait(String db, String body) {
        Http.Response r = Http.post(host.url("/v1/databases/" + db + "/nodes/n1/backups"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("task").path("type").asText()).isEqualTo("node_backup");
        String task = r.json().path("task").path("task_id").asText();
        JsonNode done = waitForTask(db, task);
        assertThat(done.path("status").asText()).as(done + "\n" + String.join("\n", logMessages(db, task)) + "\n"
                + host.outputTail()).isEqualTo("completed");
        return task;
    }

    private static JsonNode listBackups(String db) {
        Http.Response r = Http.get(host.url("/v1/databases/" + db + "/nodes/n1/backups"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("backups");
    }

    private static JsonNode database(String db) {
        Http.Response r = Http.get(host.url("/v1/databases/" + db));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static void waitForAvailable(String db) {
        Poll.until(OPERATION, () -> database(db), d -> d.path("state").asText().equals("available")
                && d.path("instances").size() > 0
                && d.path("instances").get(0).path("postgres").path("role").asText().equals("primary"),
                db + " available with a primary");
    }

    private static int primaryPort(String db, String node) {
        for (JsonNode i : database(db).path("instances")) {
            if (i.path("node_name").asText().equals(node) && i.path("postgres").path("role").asText().equals("primary")) {
                return i.path("connection_info").path("port").asInt();
            }
        }
        throw new AssertionError("no primary in " + database(db));
    }

    private static JsonNode waitForTask(String db, String taskId) {
        return Poll.until(OPERATION, () -> Http.get(host.url("/v1/databases/" + db + "/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed|canceled"), db + " task " + taskId + " done");
    }

    private static List<String> logMessages(String db, String taskId) {
        JsonNode log = Http.get(host.url("/v1/databases/" + db + "/tasks/" + taskId + "/log")).json();
        List<String> out = new ArrayList<>();
        log.path("entries").forEach(e -> out.add(e.path("message").asText()));
        return out;
    }

    static Connection connect(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "admin");
        p.setProperty("password", DB_PASSWORD);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", p);
    }

    /** Polls until the rows arrive (replication from the other node), with a deadline. */
    private static void awaitRows(Statement s, String sql, List<String> expected) {
        Poll.until(Duration.ofSeconds(60), () -> {
            try {
                return strings(s, sql);
            } catch (AssertionError e) {
                return List.of("error: " + e.getMessage());
            }
        }, expected::equals, sql + " = " + expected);
    }

    private static List<String> strings(Statement s, String sql) {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
        return out;
    }

}
