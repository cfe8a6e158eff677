package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cluster.ClusterMembership;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.StepWorker;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cockpit as the test server serves it: our config.js (name, vendor, the custom script with the links back
 * to the UI) and styles (no Camunda 8 notice, our logo) replace the webapp's own, and the link from a
 * process instance in Cockpit leads to the UI's page of its task.
 */
class CockpitBrandingTest {

    private static final String APP = "/camunda/app/";
    private static TestServer server;

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        server.bean(ClusterMembership.class).markInitialized();
    }

    @Test
    void everyWebappReadsControlPlaneInItsHeaderAndHidesTheMigrationNotice() {
        for (String app : new String[] {"cockpit", "admin", "tasklist", "welcome"}) {
            Http.Response config = Http.get(server.url(APP + app + "/scripts/config.js"));
            assertThat(config.status()).isEqualTo(200);
            assertThat(config.body()).contains("vendor: 'Control Plane'").contains("export default {");
            Http.Response styles = Http.get(server.url(APP + app + "/styles/user-styles.css"));
            assertThat(styles.status()).isEqualTo(200);
            assertThat(styles.body()).containsPattern("\\.ce-eol-banner \\{\\s*display: none !important;")
                    .contains("url(\"../../../assets/control-plane-logo.svg\")");
        }
        Http.Response logo = Http.get(server.url("/camunda/assets/control-plane-logo.svg"));
        assertThat(logo.status()).isEqualTo(200);
        assertThat(logo.body()).startsWith("<svg").contains("Control Plane");
    }

    @Test
    void cockpitLoadsTheScriptWithTheLinksBackToTheUi() {
        Http.Response config = Http.get(server.url(APP + "cockpit/scripts/config.js"));
        assertThat(config.body()).contains("customScripts: ['scripts/control-plane-links']");
        Http.Response script = Http.get(server.url(APP + "cockpit/scripts/control-plane-links.js"));
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.body()).contains("pluginPoint: 'cockpit.navigation'")
                .contains("pluginPoint: 'cockpit.processInstance.runtime.action'")
                .contains("'tasks/by-process-instance/'");
    }

    @Test
    void aProcessInstanceInCockpitLeadsToItsTaskPageInTheUi() throws Exception {
        OperationRunner runner = server.bean(OperationRunner.class);
        Task task = runner.start(NewTask.forDatabase("cockpit-link-db", "test"), "test-failure-policy",
                Map.of("mode", "transient-always"));
        server.bean(StepWorker.class).wake();
        try {
            HttpResponse<String> redirect = unfollowed("/ui/tasks/by-process-instance/" + task.getProcessInstanceId());

            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                    .endsWith("/ui/#/databases/cockpit-link-db/tasks/" + task.getTaskId()));
        } finally {
            runner.cancel(task.getTaskId());
        }
        Poll.until(Duration.ofSeconds(30), () -> server.bean(TaskService.class).find(task.getTaskId()).orElseThrow()
                .getStatus(), s -> s == TaskStatus.CANCELED, "task canceled");
        assertThat(server.bean(RuntimeService.class).createProcessInstanceQuery()
                .processInstanceId(task.getProcessInstanceId()).count()).isZero();
        // the link still leads there once the process ended: the history keeps the business key
        assertThat(unfollowed("/ui/tasks/by-process-instance/" + task.getProcessInstanceId()).statusCode())
                .isEqualTo(302);
        HttpResponse<String> unknown = unfollowed("/ui/tasks/by-process-instance/no-such-instance");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no task runs process instance no-such-instance");
        HttpResponse<String> invalid = unfollowed("/ui/tasks/by-process-instance/not%20an%20id");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("process_instance_id: must be a process instance id");
    }

    /** The answer itself, not where it redirects to. */
    private static HttpResponse<String> unfollowed(String path) throws Exception {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create(server.url(path))).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
