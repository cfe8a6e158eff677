package io.controlplane.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a JDK HTTP server answering with bodies captured from Patroni 3.0.2. */
class PatroniClientTest {

    static final String PRIMARY_STATUS = """
            {"state": "running", "postmaster_start_time": "2024-05-02 10:11:12.345678+00:00", "role": "master",
             "server_version": 150018, "xlog": {"location": 67111856}, "timeline": 6,
             "replication": [{"usename": "patroni_replicator", "application_name": "storefront-n1-host-2",
               "client_addr": "127.0.0.1", "state": "streaming", "sync_state": "async", "sync_priority": 0}],
             "dcs_last_seen": 1714644672, "database_system_identifier": "7364285471927482388",
             "patroni": {"version": "3.0.2", "scope": "storefront:n1"}}""";

    static final String REPLICA_STATUS = """
            {"state": "running", "postmaster_start_time": "2024-05-02 10:11:14.1+00:00", "role": "replica",
             "server_version": 150018, "xlog": {"received_location": 67111856, "replayed_location": 67111800,
               "replayed_timestamp": null, "paused": false}, "timeline": 6, "pending_restart": true,
             "dcs_last_seen": 1714644672, "database_system_identifier": "7364285471927482388",
             "patroni": {"version": "3.0.2", "scope": "storefront:n1"}}""";

    static final String CLUSTER = """
            {"members": [
              {"name": "storefront-n1-host-1", "role": "leader", "state": "running",
               "api_url": "http://127.0.0.1:48008/patroni", "host": "127.0.0.1", "port": 45432, "timeline": 6},
              {"name": "storefront-n1-host-2", "role": "replica", "state": "running",
               "api_url": "http://127.0.0.1:48009/patroni", "host": "127.0.0.1", "port": 45433, "timeline": 6,
               "pending_restart": true, "lag": 0},
              {"name": "storefront-n1-host-3", "role": "replica", "state": "stopped",
               "api_url": "http://127.0.0.1:48010/patroni", "host": "127.0.0.1", "port": 45434, "lag": "unknown"}]}""";

    private HttpServer server;
    private final Map<String, Canned> answers = new ConcurrentHashMap<>();
    private final Map<String, String> received = new ConcurrentHashMap<>();
    private PatroniClient client;

    record Canned(int code, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            received.put(key, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Canned canned = answers.getOrDefault(key, new Canned(404, "not found"));
            byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(canned.code(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        client = new PatroniClient("127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsPrimaryStatusWithMasterRoleOf302() {
        answers.put("GET /patroni", new Canned(200, PRIMARY_STATUS));
        MemberStatus status = client.status().orElseThrow();
        assertThat(status.role()).isEqualTo(MemberRole.PRIMARY);
        assertThat(status.isRunning()).isTrue();
        assertThat(status.pendingRestart()).isFalse();
        assertThat(status.serverVersion()).isEqualTo(150018);
        assertThat(status.timeline()).isEqualTo(6);
        assertThat(status.walPosition()).isEqualTo(67111856L);
        assertThat(status.replicationState()).isEmpty();
        assertThat(status.replication()).containsExactly(new MemberStatus.Replication("patroni_replicator",
                "storefront-n1-host-2", "127.0.0.1", "streaming", "async"));
    }

    @Test
    void readsReplicaStatusWithPendingRestart() {
        answers.put("GET /patroni", new Canned(200, REPLICA_STATUS));
        MemberStatus status = client.status().orElseThrow();
        assertThat(status.role()).isEqualTo(MemberRole.REPLICA);
        assertThat(status.pendingRestart()).isTrue();
        assertThat(status.walPosition()).isEqualTo(67111800L);
        assertThat(status.receivedPosition()).isEqualTo(67111856L);
    }

    @Test
    void readsStatusFromA503WhilePostgresIsDown() {
        answers.put("GET /patroni", new Canned(503,
                "{\"state\": \"stopped\", \"role\": \"replica\", \"patroni\": {\"version\": \"3.0.2\"}}"));
        MemberStatus status = client.status().orElseThrow();
        assertThat(status.state()).isEqualTo("stopped");
        assertThat(status.serverVersion()).isZero();
    }

    @Test
    void normalisesRoleNames() {
        assertThat(List.of("master", "primary", "leader", "replica", "sync_standby", "demoted", ""))
                .map(MemberRole::fromPatroni)
                .containsExactly(MemberRole.PRIMARY, MemberRole.PRIMARY, MemberRole.PRIMARY, MemberRole.REPLICA,
                        MemberRole.REPLICA, MemberRole.UNKNOWN, MemberRole.UNKNOWN);
        assertThat(MemberRole.fromPatroni(null)).isEqualTo(MemberRole.UNKNOWN);
    }

    @Test
    void readsClusterMembersWithLagAndLeader() {
        answers.put("GET /cluster", new Canned(200, CLUSTER));
        ClusterView cluster = client.cluster();
        assertThat(cluster.members()).hasSize(3);
        assertThat(cluster.leader().orElseThrow().name()).isEqualTo("storefront-n1-host-1");
        ClusterView.Member replica = cluster.member("storefront-n1-host-2").orElseThrow();
        assertThat(replica.role()).isEqualTo(MemberRole.REPLICA);
        assertThat(replica.port()).isEqualTo(45433);
        assertThat(replica.lagBytes()).contains(0L);
        assertThat(replica.pendingRestart()).isTrue();
        ClusterView.Member stopped = cluster.member("storefront-n1-host-3").orElseThrow();
        assertThat(stopped.state()).isEqualTo("stopped");
        assertThat(stopped.lagBytes()).isEmpty();
    }

    @Test
    void patchesConfigAsJson() {
        answers.put("PATCH /config", new Canned(200, "{\"ttl\": 30}"));
        client.patchConfig(Map.of("postgresql", Map.of("parameters", Map.of("max_connections", "500"))));
        assertThat(received.get("PATCH /config"))
                .isEqualTo("{\"postgresql\":{\"parameters\":{\"max_connections\":\"500\"}}}");
    }

    @Test
    void reloadsAndSwitchesOver() {
        answers.put("POST /reload", new Canned(202, "reload scheduled"));
        answers.put("POST /switchover", new Canned(200, "Successfully switched over to \"b\""));
        client.reload();
        client.switchover("a", "b");
        assertThat(received.get("POST /switchover")).isEqualTo("{\"leader\":\"a\",\"candidate\":\"b\"}");
    }

    @Test
    void readsPauseAndPostmasterStartTime() {
        answers.put("GET /patroni", new Canned(200, PRIMARY_STATUS.replace("\"role\": \"master\",",
                "\"role\": \"master\", \"pause\": true,")));
        MemberStatus status = client.status().orElseThrow();
        assertThat(status.paused()).isTrue();
        assertThat(status.postmasterStart()).contains(java.time.Instant.parse("2024-05-02T10:11:12.345678Z"));
        answers.put("GET /patroni", new Canned(200, REPLICA_STATUS));
        MemberStatus replica = client.status().orElseThrow();
        assertThat(replica.paused()).isFalse();
        assertThat(replica.postmasterStart()).contains(java.time.Instant.parse("2024-05-02T10:11:14.1Z"));
        assertThat(PatroniClient.postmasterStart("2024-05-02 10:11:12+02:00"))
                .isEqualTo(java.time.Instant.parse("2024-05-02T08:11:12Z"));
        assertThat(PatroniClient.postmasterStart("yesterday")).isNull();
    }

    @Test
    void switchoverAndFailoverAnswersComeBackForTheCallerToJudge() {
        answers.put("POST /switchover", new Canned(200, "Successfully switched over to \"b\""));
        LeaderChangeAnswer done = client.requestSwitchover("a", "b");
        assertThat(done.changed()).isTrue();
        assertThat(received.get("POST /switchover")).isEqualTo("{\"leader\":\"a\",\"candidate\":\"b\"}");

        answers.put("POST /failover", new Canned(412, "failover is not possible: no good candidates have been found"));
        LeaderChangeAnswer refused = client.requestFailover("c");
        assertThat(refused.refused()).isTrue();
        assertThat(refused.message()).contains("no good candidates");
        assertThat(received.get("POST /failover")).isEqualTo("{\"candidate\":\"c\"}");

        answers.put("POST /failover", new Canned(503, "Failover status unknown"));
        assertThat(client.requestFailover("c")).isEqualTo(new LeaderChangeAnswer(503, "Failover status unknown"));

        answers.put("POST /failover", new Canned(400, "Failover could be performed only to a specific candidate"));
        assertThatThrownBy(() -> client.requestFailover("")).isInstanceOf(PermanentException.class)
                .hasMessageContaining("only to a specific candidate");
    }

    @Test
    void restartFailureIsTransient() {
        answers.put("POST /restart", new Canned(503, "restart failed"));
        assertThatThrownBy(client::restart).isInstanceOf(TransientException.class).hasMessageContaining("503");
    }

    @Test
    void clientErrorIsPermanentWithPatroniBody() {
        answers.put("POST /switchover", new Canned(412, "candidate name does not match with sync_standby"));
        assertThatThrownBy(() -> client.switchover("a", "c")).isInstanceOf(PermanentException.class)
                .hasMessageContaining("412").hasMessageContaining("candidate name does not match");
    }

    @Test
    void connectionRefusedIsTransientAndStatusIsEmpty() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PatroniClient nobody = new PatroniClient("127.0.0.1", port);
        assertThat(nobody.status()).isEmpty();
        assertThatThrownBy(nobody::cluster).isInstanceOf(TransientException.class);
        assertThatThrownBy(nobody::reload).isInstanceOf(TransientException.class)
                .hasMessageContaining("connection refused");
    }
}
