package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.support.Http;
import io.controlplane.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's REST API and dry runs against the real in-process server (real etcd, no Swarm needed):
 * starts of our operations are refused naming their /v1 call, deployments pass the model checks, and a
 * dry-run create answers its plan without storing anything.
 */
class EngineRestAndDryRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestServer server;
    private static String password;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.get();
        password = JSON.readTree(server.dataDir().resolve("generated.config.json").toFile()).path("engine")
                .path("admin_password").asText();
    }

    @Test
    void engineRestStartOfCreateDatabaseIsRefusedNamingTheV1Call() throws Exception {
        HttpResponse<String> r = engine("/engine-rest/process-definition/key/create-database/start",
                "application/json", "{\"variables\":{}}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("message").asText())
                .startsWith("create-database is started with POST /v1/databases, which validates the request")
                .doesNotContain("requestHost");
    }

    @Test
    void engineRestDeploymentWithAnUnknownTopicIsRefusedWithItsElementId() throws Exception {
        RepositoryService repository = server.bean(RepositoryService.class);
        int before = repository.createProcessDefinitionQuery().processDefinitionKey("delete-database").latestVersion()
                .singleResult().getVersion();
        String bpmn = Files.readString(Path.of("processes", "delete-database.bpmn")).replace(
                "camunda:topic=\"deleteDatabaseRecords@${requestHost}\"", "camunda:topic=\"deleteDatabaseRecordz@${requestHost}\"");
        String boundary = "----cp-test";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nmodeler\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"delete-database.bpmn\"; filename=\""
                + "delete-database.bpmn\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n--" + boundary
                + "--\r\n";

        HttpResponse<String> r = engine("/engine-rest/deployment/create", "multipart/form-data; boundary=" + boundary, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode problem = JSON.readTree(r.body()).path("problems").get(0);
        assertThat(problem.path("resource").asText()).isEqualTo("delete-database.bpmn");
        assertThat(problem.path("element_id").asText()).isEqualTo("deleteDatabaseRecords");
        assertThat(problem.path("reason").asText()).contains("deleteDatabaseRecordz");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("delete-database").latestVersion()
                .singleResult().getVersion()).isEqualTo(before);
    }

    @Test
    void dryRunCreatePlansAPrimaryPerNodeAndStoresNothing() throws Exception {
        String body = "{\"id\":\"dryrun1\",\"spec\":{\"database_name\":\"app\",\"nodes\":["
                + "{\"name\":\"n1\",\"host_ids\":[\"" + TestServer.HOST_ID + "\"]},"
                + "{\"name\":\"n2\",\"host_ids\":[\"" + TestServer.HOST_ID + "\"]}]}}";

        Http.Response r = Http.post(server.url("/v1/databases?dry_run=true"), body);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode plan = r.json().path("plan");
        assertThat(r.json().path("dry_run").asBoolean()).isTrue();
        assertThat(plan.path("operation").asText()).isEqualTo("create");
        assertThat(plan.path("create")).extracting(i -> i.path("node_name").asText() + "/" + i.path("role").asText())
                .containsExactly("n1/primary", "n2/primary");
        assertThat(plan.path("update")).isEmpty();
        assertThat(Http.get(server.url("/v1/databases/dryrun1")).status()).isEqualTo(404);
    }

    @Test
    void dryRunOfABadRequestIsTheSame400AsWithoutIt() {
        Http.Response r = Http.post(server.url("/v1/databases?dry_run=true"),
                "{\"id\":\"dryrun2\",\"spec\":{\"database_name\":\"app\",\"nodes\":[]}}");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).contains("nodes");
    }

    private static HttpResponse<String> engine(String path, String contentType, String body) throws Exception {
        String token = Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        return CLIENT.send(HttpRequest.newBuilder(URI.create(server.url(path))).header("Authorization", "Basic " + token)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
