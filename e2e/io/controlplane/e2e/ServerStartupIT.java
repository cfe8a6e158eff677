package io.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.support.Http;
import io.controlplane.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar started with nothing but a data dir and a port: what an operator sees on a fresh
 * host before the cluster exists.
 */
class ServerStartupIT {

    private static Path root;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("cp-startup-it-");
        server = new ServerProcess(root.resolve("data"), TestServer.freePort(), Map.of()).start(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        TestServer.deleteTree(root);
    }

    @Test
    void versionNamesTheCommitTheJarWasBuiltFrom() throws Exception {
        Http.Response r = Http.get(server.url("/v1/version"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode v = r.json();
        assertThat(v.path("version").asText()).startsWith("v");
        // the jar is built from this checkout (CI: a fresh clone), so git knows the commit; "unknown" fails.
        // (In a `git worktree` the build records the main checkout's HEAD, a known bug of
        // git-commit-id-maven-plugin: run this test from a clone.)
        assertThat(v.path("revision").asText()).as("revision = git rev-parse HEAD of the built checkout")
                .isEqualTo(git("rev-parse", "HEAD"));
        assertThat(OffsetDateTime.parse(v.path("revision_time").asText()).toInstant())
                .as("revision_time = commit time of HEAD")
                .isEqualTo(OffsetDateTime.parse(git("log", "-1", "--format=%cI", "HEAD")).toInstant());
        assertThat(v.path("arch").asText()).isIn("amd64", "arm64");
    }

    /** Output of {@code git <args>} in the project directory (where the build ran). */
    private static String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("git " + String.join(" ", args)).isTrue();
        assertThat(p.exitValue()).as("git " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    @Test
    void everyOtherEndpointSaysTheClusterIsNotInitialized() {
        for (String path : new String[]{"/v1/databases", "/v1/hosts", "/v1/tasks", "/v1/cluster", "/v1/nothing-here"}) {
            Http.Response r = Http.get(server.url(path));
            assertThat(r.status()).as(path).isEqualTo(409);
            assertThat(r.json().path("name").asText()).isEqualTo("cluster_not_initialized");
            assertThat(r.json().path("message").asText()).isEqualTo("this operation is invalid on an uninitialized cluster");
        }
    }

    @Test
    void engineRestNeedsTheGeneratedAdminCredentials() throws Exception {
        assertThat(Http.get(server.url("/engine-rest/engine")).status()).isEqualTo(401);

        Path generated = server.dataDir().resolve("generated.config.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(generated))).isEqualTo("rw-------");
        String password = new ObjectMapper().readTree(generated.toFile()).path("engine").path("admin_password").asText();
        assertThat(password).isNotEmpty();
        Http.Response ok = Http.getWithBasicAuth(server.url("/engine-rest/engine"), "admin", password);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).contains("default");
        // last: a failed login makes the engine delay the next attempts of that user
        assertThat(Http.getWithBasicAuth(server.url("/engine-rest/engine"), "admin", "wrong").status()).isEqualTo(401);

        assertThat(server.output()).contains("generated.config.json").doesNotContain(password);
    }

    @Test
    void cockpitServesItsLoginPage() {
        Http.Response r = Http.get(server.url("/camunda/app/cockpit/default/"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).containsIgnoringCase("cockpit");
    }

    @Test
    void prometheusMetricsAreServed() {
        Http.Response r = Http.get(server.url("/actuator/prometheus"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("jvm_memory_used_bytes");
        assertThat(Http.get(server.url("/actuator/health")).json().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void openApiListsOurPaths() {
        Http.Response r = Http.get(server.url("/v1/openapi.json"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode paths = r.json().path("paths");
        assertThat(paths.has("/v1/version")).isTrue();
        assertThat(paths.has("/v1/tasks")).isTrue();
        assertThat(paths.has("/v1/databases/{database_id}/tasks/{task_id}/log")).isTrue();
        assertThat(paths.path("/v1/version").path("get").path("operationId").asText()).isEqualTo("get-version");
    }

    @Test
    void startupPrintsWhereEverythingIs() {
        assertThat(server.output()).contains("API:", "Cockpit:", "UI:", "/camunda/app/cockpit/default/");
    }

    @Test
    void badConfigurationStopsStartupWithOneLineNamingTheKey() throws Exception {
        Path dir = root.resolve("bad");
        ServerProcess bad = new ServerProcess(dir, TestServer.freePort(), Map.of("CONTROL_PLANE_HTTP__PORT", "99999"));
        try {
            bad.start(Duration.ofSeconds(60));
            throw new AssertionError("server started with port 99999");
        } catch (IllegalStateException expected) {
            assertThat(expected.getMessage()).contains("control-plane: invalid configuration: http.port: must be an"
                    + " integer between 1 and 65535 (got \"99999\" from environment variable CONTROL_PLANE_HTTP__PORT)");
            assertThat(expected.getMessage()).doesNotContain("Exception");
        } finally {
            bad.close();
        }
    }
}
