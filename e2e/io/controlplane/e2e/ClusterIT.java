package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdCredentials;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.etcd.admin.MemberInfo;
import io.controlplane.etcd.pki.CertificateBundle;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Several real server processes become one cluster on real etcd, all on 127.0.0.1, with one shared
 * PostgreSQL engine database: init, join, health, kill -9, remove-host, restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String ADMIN_PASSWORD = "cluster-it-admin";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path root;
    private static EngineDatabase engineDb;
    private static final Map<String, ServerProcess> HOSTS = new LinkedHashMap<>();
    private static String token;

    @BeforeAll
    static void startEngineDatabase() throws Exception {
        root = Files.createTempDirectory("cp-cluster-it-");
        engineDb = EngineDatabase.start(root);
    }

    @AfterAll
    static void stopEverything() {
        for (ServerProcess p : HOSTS.values()) {
            p.close();
            p.killOrphanEtcd();
        }
        if (engineDb != null) {
            engineDb.close();
        }
        TestServer.deleteTree(root);
    }

    @Test
    @Order(1)
    void threeServerHostsAndAClientHostFormOneCluster() throws Exception {
        long started = System.nanoTime();
        // started at the same moment on a new, empty engine database, as docker-compose or systemd would
        List<ServerProcess> together = List.of(host("host-1", "server"), host("host-2", "server"),
                host("host-3", "server"));
        together.forEach(ServerProcess::launch);
        for (ServerProcess h : together) {
            h.awaitReady(Duration.ofSeconds(240));
        }
        System.out.printf("MEASURED: three hosts started together on a new engine database answer: %.1f s%n",
                (System.nanoTime() - started) / 1e9);
        ServerProcess h1 = HOSTS.get("host-1");
        Http.Response init = Http.get(h1.url("/v1/cluster/init?cluster_id=it-cluster"));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        token = init.json().path("token").asText();
        assertThat(token).matches("CP-[0-9a-f]{64}-[0-9a-f]{32}");
        assertThat(init.json().path("server_urls").get(0).asText()).isEqualTo("http://127.0.0.1:" + port(h1));

        for (String id : List.of("host-2", "host-3")) {
            ServerProcess h = HOSTS.get(id);
            Http.Response join = join(h, token, h1);
            assertThat(join.status()).as(join.body()).isEqualTo(204);
        }
        for (ServerProcess h : HOSTS.values()) {
            waitForHealthy(h, 3);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("MEASURED: process start of host-1 -> 3 healthy hosts: %.1f s%n", seconds);

        assertThat(votingMembers(h1)).extracting(MemberInfo::name)
                .containsExactlyInAnyOrder("host-1", "host-2", "host-3");

        ServerProcess h4 = host("host-4", "client").start(Duration.ofSeconds(180));
        Http.Response join = join(h4, token, h1);
        assertThat(join.status()).as(join.body()).isEqualTo(204);
        JsonNode listed = waitForHealthy(h1, 4);
        JsonNode fourth = byId(listed, "host-4");
        assertThat(fourth.path("etcd_mode").asText()).isEqualTo("client");
        assertThat(votingMembers(h1)).hasSize(3);

        JsonNode cluster = Http.get(h4.url("/v1/cluster")).json();
        assertThat(cluster.path("id").asText()).isEqualTo("it-cluster");
        assertThat(cluster.path("hosts")).hasSize(4);
    }

    @Test
    @Order(2)
    void badClusterRequestsGetPgEdgeErrors() {
        ServerProcess h1 = HOSTS.get("host-1");
        Http.Response again = Http.get(h1.url("/v1/cluster/init"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("name").asText()).isEqualTo("cluster_already_initialized");

        Http.Response badId = Http.get(h1.url("/v1/hosts/Bad_Host"));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().path("message").asText()).isEqualTo("host_id: valid IDs must be 1-36 characters long,"
                + " contain only lowercase letters, digits, and hyphens, start and end with a letter or digit, and not"
                + " contain two consecutive hyphens");
        assertThat(Http.get(h1.url("/v1/hosts/no-such-host")).status()).isEqualTo(404);

        Http.Response self = Http.delete(h1.url("/v1/hosts/host-1"));
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.json().path("message").asText()).isEqualTo("a host cannot remove itself from the cluster");

        ServerProcess stranger = host("host-5", "server").start(Duration.ofSeconds(180));
        String wrong = token.substring(0, token.length() - 32) + "0".repeat(32);
        Http.Response wrongToken = join(stranger, wrong, h1);
        assertThat(wrongToken.status()).isEqualTo(401);
        assertThat(wrongToken.json().path("name").asText()).isEqualTo("invalid_join_token");

        Http.Response malformed = Http.post(stranger.url("/v1/cluster/join"),
                "{\"token\":\"nope\",\"server_urls\":[\"" + h1.url("") + "\"]}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("name").asText()).isEqualTo("invalid_input");
        stranger.close();
        HOSTS.remove("host-5");

        ServerProcess duplicate = new ServerProcess(root.resolve("dup"), TestServer.freePort(),
                env("host-2", "server")).start(Duration.ofSeconds(180));
        try {
            Http.Response dup = join(duplicate, token, h1);
            assertThat(dup.status()).isEqualTo(400);
            assertThat(dup.json().path("message").asText()).isEqualTo("a host with ID host-2 already exists in the cluster");
        } finally {
            duplicate.close();
        }
    }

    @Test
    @Order(3)
    void aKilledHostTurnsUnreachableAndCanBeRemoved() throws Exception {
        ServerProcess h1 = HOSTS.get("host-1");
        ServerProcess h3 = HOSTS.get("host-3");
        long killedAt = System.nanoTime();
        h3.kill();
        h3.killOrphanEtcd();
        Poll.until(Duration.ofSeconds(30), () -> Http.get(h1.url("/v1/hosts/host-3")).json().path("status")
                .path("state").asText(), s -> s.equals("unreachable"), "host-3 unreachable");
        System.out.printf("MEASURED: kill -9 host-3 -> unreachable: %.1f s%n", (System.nanoTime() - killedAt) / 1e9);

        Http.Response removal = Http.delete(h1.url("/v1/hosts/host-3"));
        assertThat(removal.status()).as(removal.body()).isEqualTo(200);
        String taskId = removal.json().path("task").path("task_id").asText();
        assertThat(removal.json().path("task").path("type").asText()).isEqualTo("remove_host");
        assertThat(removal.json().path("update_database_tasks")).isEmpty();
        JsonNode task = Poll.until(Duration.ofSeconds(90),
                () -> Http.get(h1.url("/v1/hosts/host-3/tasks/" + taskId)).json(),
                t -> t.path("status").asText().matches("completed|failed"), "remove-host task done");
        assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("completed");

        JsonNode hosts = Http.get(h1.url("/v1/hosts")).json().path("hosts");
        assertThat(ids(hosts)).containsExactlyInAnyOrder("host-1", "host-2", "host-4");
        assertThat(votingMembers(h1)).extracting(MemberInfo::name).containsExactlyInAnyOrder("host-1", "host-2");
        JsonNode log = Http.get(h1.url("/v1/hosts/host-3/tasks/" + taskId + "/logs")).json();
        List<String> messages = new ArrayList<>();
        log.path("entries").forEach(e -> messages.add(e.path("message").asText()));
        assertThat(messages).contains("removing host 'host-3'", "successfully removed host 'host-3'");
        h3.close();
        HOSTS.remove("host-3");
    }

    @Test
    @Order(4)
    void aRestartedHostSaysItIsStartingUntilItHasRejoinedItsCluster() {
        // host-1 and host-2 are the two etcd members left: stop both, start host-1 alone. Its etcd member has
        // no quorum until host-2 is back, so it cannot rejoin; it must say so, never that there is no cluster.
        ServerProcess h1 = HOSTS.get("host-1");
        ServerProcess h2 = HOSTS.get("host-2");
        h1.close();
        h2.close();
        ServerProcess again = restart(h1, "host-1").start(Duration.ofSeconds(180));
        for (String path : List.of("/v1/databases", "/v1/hosts", "/v1/cluster", "/v1/cluster/init")) {
            Http.Response r = Http.get(again.url(path));
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(503);
            assertThat(r.json().path("name").asText()).as(path).isEqualTo("host_starting");
            assertThat(r.json().path("message").asText()).as(path).contains("reconnecting to its cluster");
        }
        Http.Response join = join(again, token, HOSTS.get("host-4"));
        assertThat(join.status()).as(join.body()).isEqualTo(503);

        ServerProcess h2again = restart(h2, "host-2").launch();
        List<Integer> seen = new ArrayList<>();
        JsonNode hosts = Poll.until(Duration.ofSeconds(120), () -> {
            Http.Response r = Http.get(again.url("/v1/hosts"));
            seen.add(r.status());
            return r;
        }, r -> r.status() == 200 && r.json().path("hosts").size() == 3
                && StreamSupport.stream(r.json().path("hosts").spliterator(), false)
                        .allMatch(x -> x.path("status").path("state").asText().equals("healthy")),
                "host-1 rejoined once host-2 is back").json().path("hosts");
        assertThat(seen).as("statuses seen while host-1 rejoined").doesNotContain(409).containsOnly(503, 200);
        assertThat(ids(hosts)).containsExactlyInAnyOrder("host-1", "host-2", "host-4");
        h2again.awaitReady(Duration.ofSeconds(180));
        waitForHealthy(h2again, 3);
        assertThat(Http.get(again.url("/v1/cluster/init")).status()).isEqualTo(409);
    }

    private static ServerProcess restart(ServerProcess stopped, String id) {
        ServerProcess again = stopped.again();
        HOSTS.put(id, again);
        return again;
    }

    private static ServerProcess host(String id, String etcdMode) {
        ServerProcess p = new ServerProcess(root.resolve(id), TestServer.freePort(), env(id, etcdMode));
        HOSTS.put(id, p);
        return p;
    }

    private static Map<String, String> env(String id, String etcdMode) {
        return ServerProcess.clusterEnv(id, etcdMode, engineDb.jdbcUrl(), ADMIN_PASSWORD);
    }

    private static Http.Response join(ServerProcess joiner, String joinToken, ServerProcess member) {
        return Http.post(joiner.url("/v1/cluster/join"),
                "{\"token\":\"" + joinToken + "\",\"server_urls\":[\"" + member.url("") + "\"]}");
    }

    private static JsonNode waitForHealthy(ServerProcess h, int count) {
        return Poll.until(Duration.ofSeconds(60), () -> Http.get(h.url("/v1/hosts")).json().path("hosts"),
                hosts -> hosts.size() == count && StreamSupport.stream(hosts.spliterator(), false)
                        .allMatch(x -> x.path("status").path("state").asText().equals("healthy")),
                count + " healthy hosts seen from " + h.url(""));
    }

    private static List<MemberInfo> votingMembers(ServerProcess h) throws Exception {
        Path data = h.dataDir();
        JsonNode generated = JSON.readTree(data.resolve("generated.config.json").toFile());
        Path certs = data.resolve("certificates");
        List<URI> endpoints = new ArrayList<>();
        generated.path("etcd_client").path("endpoints").forEach(e -> endpoints.add(URI.create(e.asText())));
        EtcdClientConfig config = EtcdClientConfig.of(endpoints.subList(0, 1), Files.readString(certs.resolve("ca.crt")),
                new CertificateBundle(Files.readString(certs.resolve("etcd-user.crt")),
                        Files.readString(certs.resolve("etcd-user.key"))),
                new EtcdCredentials(generated.path("etcd_username").asText(), generated.path("etcd_password").asText()));
        try (EtcdAdmin admin = new EtcdAdmin(config)) {
            return admin.listMembers().stream().filter(m -> !m.learner()).toList();
        }
    }

    private static int port(ServerProcess h) {
        return URI.create(h.url("")).getPort();
    }

    private static JsonNode byId(JsonNode hosts, String id) {
        for (JsonNode h : hosts) {
            if (h.path("id").asText().equals(id)) {
                return h;
            }
        }
        throw new AssertionError("no host " + id + " in " + hosts);
    }

    private static List<String> ids(JsonNode hosts) {
        List<String> out = new ArrayList<>();
        hosts.forEach(h -> out.add(h.path("id").asText()));
        return out;
    }
}
