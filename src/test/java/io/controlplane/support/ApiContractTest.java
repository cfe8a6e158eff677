package io.controlplane.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The contract check itself: it must pass what pgEdge's document allows and fail what it does not. */
class ApiContractTest {

    private static final String HOST = """
            {"id":"host-1","orchestrator":"swarm","data_dir":"/data","peer_addresses":["127.0.0.1"],
             "client_addresses":["127.0.0.1"],"cpus":2,"memory":"8GB","etcd_mode":"server",
             "default_pgedge_version":{"postgres_version":"15.18","spock_version":"2.4.2"},
             "supported_pgedge_versions":[{"postgres_version":"15.18","spock_version":"2.4.2"}],
             "status":{"state":"unreachable","updated_at":"2026-01-02T03:04:05Z",
                       "components":{"etcd":{"healthy":true}}}}""";

    private final ApiContract contract = ApiContract.get();

    @Test
    void aConformingHostPassesAndIsRecorded() {
        contract.check("GET", uri("/v1/hosts/host-1"), 200, HOST);

        assertThat(contract.checked()).contains(new ApiContract.Checked("get-host", 200));
    }

    @Test
    void aVersionWithoutSpockVersionFailsWithItsPathOperationStatusAndBody() {
        String body = HOST.replace(",\"spock_version\":\"2.4.2\"}],", "}],");

        assertThatThrownBy(() -> contract.check("GET", uri("/v1/hosts/host-1"), 200, body))
                .isInstanceOf(ApiContract.Violation.class)
                .hasMessageContaining("get-host 200")
                .hasMessageContaining("$.supported_pgedge_versions[0]")
                .hasMessageContaining("spock_version")
                .hasMessageContaining("body: " + body);
    }

    @Test
    void aStatusWithoutUpdatedAtFails() {
        String body = HOST.replace("\"updated_at\":\"2026-01-02T03:04:05Z\",", "");

        assertThatThrownBy(() -> contract.check("GET", uri("/v1/hosts"), 200, "{\"hosts\":[" + body + "]}"))
                .isInstanceOf(ApiContract.Violation.class)
                .hasMessageContaining("list-hosts 200")
                .hasMessageContaining("$.hosts[0].status")
                .hasMessageContaining("updated_at");
    }

    @Test
    void aWrongTypeOrEnumOrFormatFails() {
        assertThatThrownBy(() -> contract.check("GET", uri("/v1/hosts/host-1"), 200,
                HOST.replace("\"cpus\":2", "\"cpus\":\"2\""))).hasMessageContaining("$.cpus");
        assertThatThrownBy(() -> contract.check("GET", uri("/v1/hosts/host-1"), 200,
                HOST.replace("\"unreachable\"", "\"lost\""))).hasMessageContaining("$.status.state");
        assertThatThrownBy(() -> contract.check("GET", uri("/v1/hosts/host-1"), 200,
                HOST.replace("2026-01-02T03:04:05Z", "yesterday"))).hasMessageContaining("$.status.updated_at");
    }

    @Test
    void anErrorOfAListedStatusMustBeAnApiError() {
        contract.check("GET", uri("/v1/databases/nope"), 404, "{\"name\":\"not_found\",\"message\":\"gone\"}");

        assertThatThrownBy(() -> contract.check("GET", uri("/v1/databases/nope"), 404, "{\"error\":\"gone\"}"))
                .isInstanceOf(ApiContract.Violation.class)
                .hasMessageContaining("get-database 404")
                .hasMessageContaining("name");
    }

    @Test
    void anUnlistedErrorStatusFallsBackToTheDefaultResponse() {
        contract.check("GET", uri("/v1/hosts"), 503, "{\"name\":\"server_error\",\"message\":\"etcd\"}");

        assertThat(contract.checked()).contains(new ApiContract.Checked("list-hosts", 503));
        assertThatThrownBy(() -> contract.check("GET", uri("/v1/hosts"), 503, "<html>busy</html>"))
                .isInstanceOf(ApiContract.Violation.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void anUnlistedSuccessStatusFails() {
        assertThatThrownBy(() -> contract.check("POST", uri("/v1/cluster/join"), 200, ""))
                .isInstanceOf(ApiContract.Violation.class)
                .hasMessageContaining("join-cluster")
                .hasMessageContaining("does not list");
    }

    @Test
    void aNoContentResponseMustHaveNoBody() {
        contract.check("POST", uri("/v1/cluster/join"), 204, "");

        assertThatThrownBy(() -> contract.check("POST", uri("/v1/cluster/join"), 204, "{}"))
                .hasMessageContaining("defines no body");
    }

    @Test
    void errorsOfPathsOffTheDocumentAreApiErrorsToo() {
        contract.check("GET", uri("/v1/no-such-thing"), 404, "{\"name\":\"not_found\",\"message\":\"no such endpoint\"}");

        assertThatThrownBy(() -> contract.check("GET", uri("/v1/no-such-thing"), 404, "{\"status\":404}"))
                .isInstanceOf(ApiContract.Violation.class);
    }

    @Test
    void literalSegmentsWinOverParameters() {
        assertThat(contract.match("GET", "/v1/cluster/join-token")).get()
                .extracting(ApiContract.Operation::id).isEqualTo("get-join-token");
        assertThat(contract.match("GET", "/v1/databases/db1/tasks/0191/log")).get()
                .extracting(ApiContract.Operation::id).isEqualTo("get-database-task-log");
        assertThat(contract.match("PUT", "/v1/databases/db1")).isEmpty();
    }

    @Test
    void coverageNamesEveryListedStatusNotYetValidatedUnlessItDoesNotApply() {
        var getHost = contract.operation("get-host").orElseThrow();
        var listHosts = contract.operation("list-hosts").orElseThrow();
        var checked = java.util.Set.of(new ApiContract.Checked("get-host", 200),
                new ApiContract.Checked("get-host", 404), new ApiContract.Checked("list-hosts", 200));

        var missing = ApiContract.uncovered(java.util.List.of(getHost, listHosts), checked,
                status -> status != 500, java.util.Set.of("list-hosts 409"));

        assertThat(missing).containsExactly(java.util.Map.entry("get-host", java.util.List.of(400, 409)));
        assertThat(ApiContract.uncovered(java.util.List.of(listHosts), checked, status -> status != 500,
                java.util.Set.of())).containsExactly(java.util.Map.entry("list-hosts", java.util.List.of(409)));
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:1" + path);
    }
}
