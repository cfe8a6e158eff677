package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.cluster.ClusterMembership;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.Uuid7;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The task progress endpoint the web UI draws its diagram from, against the test process and its fake steps. */
class TaskProgressTest {

    private static TestServer server;
    private static OperationRunner runner;

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        server.bean(ClusterMembership.class).markInitialized();
        runner = server.bean(OperationRunner.class);
    }

    @Test
    void aCompletedTaskShowsEveryStepItRanCompletedAndTheFailurePathSkipped() {
        Task task = start("ok");
        Poll.until(Duration.ofSeconds(30), () -> progress(task).path("task_status").asText(),
                s -> s.equals("completed"), "task completed");
        JsonNode p = progress(task);
        assertThat(p.path("process_state").asText()).isEqualTo("completed");
        assertThat(p.path("process_definition_key").asText()).isEqualTo("test-runner");
        assertThat(p.path("process_definition_id").asText()).startsWith("test-runner:");
        assertThat(p.path("process_instance_id").asText()).isEqualTo(task.getProcessInstanceId());
        assertThat(p.path("cockpit_url").asText())
                .isEqualTo("/camunda/app/cockpit/default/#/process-instance/" + task.getProcessInstanceId());
        assertThat(p.path("bpmn_xml").asText()).contains("<bpmn:serviceTask id=\"testOutcome\"");
        assertThat(states(p)).containsEntry("start", "completed").containsEntry("waitForTest", "completed")
                .containsEntry("testRecord", "completed").containsEntry("testOutcome", "completed")
                .containsEntry("end", "completed").containsEntry("onOperationFailed", "skipped")
                .containsEntry("operationFailedEnd", "skipped");
        assertThat(p.path("activities").findValues("incident_message")).isEmpty();
    }

    @Test
    void aRunningTaskShowsTheStepItWaitsAtRunningAndLaterStepsNotReached() {
        Task task = runner.start(NewTask.forDatabase("progress-db", "test"), "test-runner",
                Map.of("mode", "ok", "targetHost", "any"));
        try {
            JsonNode p = progress(task);
            assertThat(p.path("process_state").asText()).isEqualTo("running");
            assertThat(states(p)).containsEntry("start", "completed").containsEntry("waitForTest", "running")
                    .containsEntry("testRecord", "not_reached").containsEntry("end", "not_reached");
        } finally {
            runner.cancel(task.getTaskId());
        }
        Poll.until(Duration.ofSeconds(10), () -> progress(task).path("process_state").asText(),
                s -> s.equals("ended"), "instance ended");
        assertThat(states(progress(task))).containsEntry("waitForTest", "canceled").containsEntry("end", "skipped");
    }

    @Test
    void aFailedStepShowsFailedWithTheIncidentMessageAndCompletedAfterARetry() {
        TestStepHandlers.PERMANENT_CAUSE_FIXED.set(false);
        Task task = start("permanent");
        Poll.until(Duration.ofSeconds(30), () -> states(progress(task)).get("testOutcome"), s -> s.equals("failed"),
                "step failed");
        JsonNode p = progress(task);
        assertThat(p.path("process_state").asText()).isEqualTo("running");
        assertThat(states(p)).containsEntry("testRecord", "completed").containsEntry("end", "not_reached");
        assertThat(activity(p, "testOutcome").path("incident_message").asText())
                .isEqualTo("port 1 is taken by another program");

        TestStepHandlers.PERMANENT_CAUSE_FIXED.set(true);
        Http.Response retried = Http.post(server.url("/v1/databases/progress-db/tasks/" + task.getTaskId()
                + "/retry"), "");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(30), () -> progress(task).path("process_state").asText(),
                s -> s.equals("completed"), "instance completed");
        JsonNode after = progress(task);
        assertThat(states(after)).containsEntry("testOutcome", "completed").containsEntry("end", "completed");
        assertThat(activity(after, "testOutcome").has("incident_message")).isFalse();
    }

    @Test
    void unknownTasksAreNotFoundAndBadIdsInvalid() {
        Http.Response missing = Http.get(server.url("/v1/databases/progress-db/tasks/" + Uuid7.next() + "/progress"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("message").asText()).isEqualTo("no task found with the given ID");
        Http.Response bad = Http.get(server.url("/v1/databases/progress-db/tasks/not-a-uuid/progress"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("message").asText()).isEqualTo("the given task ID is invalid");
        Task task = start("ok");
        Http.Response otherDatabase = Http.get(server.url("/v1/databases/other-db/tasks/" + task.getTaskId()
                + "/progress"));
        assertThat(otherDatabase.status()).isEqualTo(404);
    }

    private static Task start(String mode) {
        Task task = runner.start(NewTask.forDatabase("progress-db", "test"), "test-runner",
                Map.of("mode", mode, "targetHost", "any"));
        server.bean(RuntimeService.class).createMessageCorrelation("testGo")
                .processInstanceBusinessKey(task.getTaskId()).correlate();
        server.bean(StepWorker.class).wake();
        return task;
    }

    private static JsonNode progress(Task task) {
        Http.Response r = Http.get(server.url("/v1/databases/progress-db/tasks/" + task.getTaskId() + "/progress"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static Map<String, String> states(JsonNode p) {
        Map<String, String> out = new HashMap<>();
        p.path("activities").forEach(a -> out.put(a.path("activity_id").asText(), a.path("state").asText()));
        return out;
    }

    private static JsonNode activity(JsonNode p, String id) {
        for (JsonNode a : p.path("activities")) {
            if (a.path("activity_id").asText().equals(id)) {
                return a;
            }
        }
        throw new AssertionError("no activity " + id + " in " + p);
    }
}
