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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backup schedule on a three-host cluster (one shared engine database): a schedule every minute takes
 * one backup per minute, not one per host, and a kill -9 of a host that ran a tick does not stop the
 * next one (the timer is a job of the shared engine database; another host fires it).
 */
class BackupScheduleIT {

    private static final String DB = "bks";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT_BASE = 25700;

    private static Path root;
    private static Path repository;
    private static EngineDatabase engineDb;
    private static final Map<String, ServerProcess> HOSTS = new LinkedHashMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        root = Files.createTempDirectory("cp-backup-schedule-it-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        repository = Files.createDirectories(root.resolve("repository"));
        Files.setPosixFilePermissions(repository, PosixFilePermissions.fromString("rwxr-xr-x"));
        engineDb = EngineDatabase.start(root);
        ServerProcess h1 = host("host-1", 0).start(Duration.ofSeconds(180));
        Http.Response init = Http.get(h1.url("/v1/cluster/init?cluster_id=backup-schedule-it"));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String token = init.json().path("token").asText();
        for (int i = 2; i <= 3; i++) {
            ServerProcess h = host("host-" + i, i - 1).start(Duration.ofSeconds(180));
            Http.Response join = Http.post(h.url("/v1/cluster/join"),
                    "{\"token\":\"" + token + "\",\"server_urls\":[\"" + h1.url("") + "\"]}");
            assertThat(join.status()).as(join.body()).isEqualTo(204);
        }
        Poll.until(Duration.ofSeconds(90), () -> Http.get(h1.url("/v1/hosts")).json().path("hosts"),
                hosts -> hosts.size() == 3, "3 hosts");
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
    void aScheduleEveryMinuteBacksUpOncePerMinuteAndOutlivesAKilledHost() {
        ServerProcess h1 = HOSTS.get("host-1");
        ObjectNode body = JSON.createObjectNode();
        body.put("id", DB);
        ObjectNode spec = body.putObject("spec");
        spec.put("database_name", "app").put("memory", "256MiB");
        ObjectNode node = spec.putArray("nodes").addObject();
        node.put("name", "n1");
        node.putArray("host_ids").add("host-1");
        ObjectNode backup = spec.putObject("backup_config");
        backup.putArray("repositories").addObject().put("id", "local").put("type", "posix")
                .put("base_path", repository.toString());
        backup.putArray("schedules").addObject().put("id", "minutely").put("type", "full")
                .put("cron_expression", "* * * * *");
        Http.Response created = Http.post(h1.url("/v1/databases"), body.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String createTask = created.json().path("task").path("task_id").asText();
        JsonNode done = Poll.until(Duration.ofSeconds(300), () -> Http.get(h1.url("/v1/databases/" + DB + "/tasks/"
                + createTask)).json(), t -> t.path("status").asText().matches("completed|failed"), "create done");
        assertThat(done.path("status").asText()).isEqualTo("completed");

        JsonNode schedule = Poll.until(Duration.ofSeconds(60), () -> tasks(h1, "backup_schedule"),
                t -> !t.isEmpty(), "a schedule task").get(0);
        List<String> firstTwo = Poll.until(Duration.ofSeconds(200), () -> scheduledFireTimes(h1),
                f -> f.size() >= 2, "two scheduled backups");
        assertThat(tasks(h1, "backup_schedule")).as("one schedule task for three hosts").hasSize(1);
        assertThat(firstTwo).doesNotHaveDuplicates();
        assertThat(Duration.between(Instant.parse(firstTwo.get(0)), Instant.parse(firstTwo.get(1))))
                .isEqualTo(Duration.ofMinutes(1));

        // the host that ran the last tick (not the database's own host, whose worker runs the backup steps)
        String ticker = lastTickHost(h1, schedule.path("task_id").asText());
        String victim = ticker.equals("host-1") ? "host-2" : ticker;
        System.out.println("last tick ran on " + ticker + "; killing " + victim);
        HOSTS.get(victim).kill();
        String lastBeforeKill = scheduledFireTimes(h1).get(scheduledFireTimes(h1).size() - 1);
        List<String> after = Poll.until(Duration.ofSeconds(200), () -> scheduledFireTimes(h1),
                f -> f.stream().filter(t -> t.compareTo(lastBeforeKill) > 0).count() >= 2,
                "two more scheduled backups after the kill");
        assertThat(after).doesNotHaveDuplicates();
        // one per minute: consecutive fire times are a minute apart, none twice
        for (int i = 1; i < after.size(); i++) {
            assertThat(Duration.between(Instant.parse(after.get(i - 1)), Instant.parse(after.get(i))))
                    .isGreaterThanOrEqualTo(Duration.ofMinutes(1));
        }
    }

    private static String lastTickHost(ServerProcess h, String taskId) {
        JsonNode log = Http.get(h.url("/v1/databases/" + DB + "/tasks/" + taskId + "/log")).json();
        String host = null;
        for (JsonNode e : log.path("entries")) {
            if (e.path("message").asText().startsWith("finished Start scheduled backup")) {
                host = e.path("fields").path("host_id").asText();
            }
        }
        assertThat(host).as("a finished tick in " + log).isNotNull();
        return host;
    }

    /** Fire times of the scheduled backup sets, oldest first. */
    private static List<String> scheduledFireTimes(ServerProcess h) {
        Http.Response r = Http.get(h.url("/v1/databases/" + DB + "/nodes/n1/backups"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("backups").forEach(b -> {
            if (b.path("annotations").path("controlplane-schedule").asText().equals("minutely")) {
                out.add(b.path("annotations").path("controlplane-scheduled-for").asText());
            }
        });
        return out;
    }

    private static List<JsonNode> tasks(ServerProcess h, String type) {
        List<JsonNode> out = new ArrayList<>();
        Http.get(h.url("/v1/databases/" + DB + "/tasks")).json().path("tasks").forEach(t -> {
            if (t.path("type").asText().equals(type) && t.path("status").asText().equals("running")) {
                out.add(t);
            }
        });
        return out;
    }

    private static ServerProcess host(String id, int index) {
        Map<String, String> env = ServerProcess.clusterEnv(id, "server", engineDb.jdbcUrl(), "backup-schedule-it");
        env.put("CONTROL_PLANE_RANDOM_PORTS__MIN", String.valueOf(PORT_BASE + 100 * index));
        env.put("CONTROL_PLANE_RANDOM_PORTS__MAX", String.valueOf(PORT_BASE + 100 * index + 99));
        ServerProcess p = new ServerProcess(root.resolve(id), TestServer.freePort(), env);
        HOSTS.put(id, p);
        return p;
    }

}
