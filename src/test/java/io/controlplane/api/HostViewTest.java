package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.cluster.ClusterService;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.support.ApiContract;
import io.controlplane.support.Http;
import io.controlplane.support.TestServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host views over HTTP against the real server and its embedded etcd: every field pgEdge's clients
 * read is there, for a live host and for hosts whose status is gone. ({@link Http} also checks each
 * response against pgEdge's OpenAPI document.)
 */
class HostViewTest {

    private static final List<String> GHOSTS = List.of("ghost-seen", "ghost-never-seen");
    private static TestServer server;
    private static EtcdStore store;

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        store = server.bean(ClusterService.class).store();
        for (String id : GHOSTS) {
            store.put("/hosts/" + id, """
                    {"id":"%s","orchestrator":"swarm","data_dir":"/var/lib/cp","peer_addresses":["127.0.0.1"],
                     "client_addresses":["127.0.0.1"],"cpus":2,"memory_bytes":8000000000,"etcd_mode":"client",
                     "http_port":3000,"version":"v0.1.0"}""".formatted(id));
        }
        // what a lost host leaves: the time of its last status, the status itself expired with its lease
        store.put("/host_status_times/ghost-seen", "2026-01-02T03:04:05Z");
    }

    @AfterAll
    static void removeGhosts() {
        for (String id : GHOSTS) {
            store.delete("/hosts/" + id);
            store.delete("/host_status_times/" + id);
        }
    }

    @Test
    void aLiveHostReportsItsStatusTimeAndTheReplicationVersionOfItsImages() {
        JsonNode host = Http.get(server.url("/v1/hosts/" + TestServer.HOST_ID)).json();
        ImageManifest manifest = server.bean(ImageManifest.class);

        assertThat(host.path("status").path("state").asText()).isEqualTo("healthy");
        assertThat(Instant.parse(host.path("status").path("updated_at").asText()))
                .isAfter(Instant.now().minus(1, ChronoUnit.MINUTES));
        assertThat(host.path("default_pgedge_version").path("postgres_version").asText())
                .isEqualTo(manifest.defaultPostgresVersion());
        assertThat(host.path("default_pgedge_version").path("spock_version").asText())
                .isEqualTo(manifest.defaultEntry().pglogicalVersion()).isEqualTo("2.4.2");
        assertThat(host.path("supported_pgedge_versions")).hasSize(manifest.postgres().size())
                .allSatisfy(v -> assertThat(v.path("spock_version").asText()).isNotEmpty());
    }

    @Test
    void aHostWhoseStatusExpiredIsUnreachableWithTheTimeOfItsLastStatus() {
        JsonNode status = Http.get(server.url("/v1/hosts/ghost-seen")).json().path("status");

        assertThat(status.path("state").asText()).isEqualTo("unreachable");
        assertThat(status.path("updated_at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(status.path("components").isObject()).isTrue();
    }

    @Test
    void aHostThatNeverReportedAStatusSaysSoWithTheEpoch() {
        JsonNode status = Http.get(server.url("/v1/hosts/ghost-never-seen")).json().path("status");

        assertThat(status.path("state").asText()).isEqualTo("unreachable");
        assertThat(status.path("updated_at").asText()).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void theHostListAndTheClusterCarryTheSameHostsAndConformToTheContract() {
        JsonNode hosts = Http.get(server.url("/v1/hosts")).json().path("hosts");
        JsonNode cluster = Http.get(server.url("/v1/cluster")).json();

        assertThat(hosts.findValuesAsText("id")).contains(TestServer.HOST_ID, "ghost-seen", "ghost-never-seen");
        assertThat(cluster.path("hosts").findValuesAsText("id")).isEqualTo(hosts.findValuesAsText("id"));
        assertThat(ApiContract.get().checked()).contains(new ApiContract.Checked("list-hosts", 200),
                new ApiContract.Checked("get-cluster", 200));
    }
}
