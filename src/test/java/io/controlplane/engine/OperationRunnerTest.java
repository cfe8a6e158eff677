package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.cluster.ClusterMembership;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.Incident;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generic runner against a real server: a task follows its process from pending to an end status,
 * and its log is readable through the /v1 task endpoints with working cursors.
 */
class OperationRunnerTest {

    private static TestServer server;
    private static OperationRunner runner;
    private static RuntimeService runtime;

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        server.bean(ClusterMembership.class).markInitialized();
        runner = server.bean(OperationRunner.class);
        runtime = server.bean(RuntimeService.class);
    }

    @Test
    void taskGoesFromPendingThroughRunningToCompleted() throws InterruptedException {
        TestStepHandlers.holdEntered = new CountDownLatch(1);
        TestStepHandlers.holdRelease = new CountDownLatch(1);
        Task task = start("runner-db", "hold", "test-host");
        // the process waits for the test's message: nothing has run yet
        assertThat(status(task)).isEqualTo("pending");

        letProcessGo(task);
        assertThat(TestStepHandlers.holdEntered.await(30, TimeUnit.SECONDS)).as("second step entered").isTrue();
        // the second step is inside its handler until released: the task reads running now, not eventually
        try {
            assertThat(status(task)).isEqualTo("running");
            assertThat(messages(log(task, ""))).containsExactly(
                    "started Record step", "recording the step", "finished Record step", "started Check outcome");
        } finally {
            TestStepHandlers.holdRelease.countDown();
        }

        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        JsonNode json = taskJson(task);
        assertThat(json.path("completed_at").asText()).isNotEmpty();
        assertThat(json.has("error")).isFalse();
        JsonNode finished = log(task, "?limit=1").path("entries").get(0);
        assertThat(finished.path("message").asText()).matches("finished Check outcome \\(took \\d+ ms\\)");
        assertThat(finished.path("fields").path("success").asBoolean()).isTrue();
        assertThat(finished.path("fields").path("duration_ms").isNumber()).isTrue();
        assertThat(messages(log(task, ""))).containsExactly(
                "started Record step",
                "recording the step",
                "finished Record step",
                "started Check outcome",
                "finished Check outcome");
    }

    @Test
    void taskReadsFailedWithTheIncidentsMessageWhileItWaitsOnItAndCanStillBeCanceled() {
        TestStepHandlers.PERMANENT_CAUSE_FIXED.set(false);
        Task task = start("runner-db", "permanent", "any");
        letProcessGo(task);
        // the first step finished, the second waits on its incident: a client polling the task stops waiting
        Poll.until(Duration.ofSeconds(10), () -> status(task), s -> s.equals("failed"), "task failed");
        JsonNode json = taskJson(task);
        assertThat(json.path("error").asText()).isEqualTo("Check outcome failed: port 1 is taken by another program");
        assertThat(json.path("completed_at").asText()).isNotEmpty();
        assertThat(messages(log(task, ""))).last().asString().isEqualTo("task failed: Check outcome failed: port 1 is"
                + " taken by another program; it waits for a retry of the step or a cancel");

        Http.Response canceled = Http.get(server.url("/v1/databases/runner-db/tasks/" + task.getTaskId() + "/cancel"));
        assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(10), () -> status(task), s -> s.equals("canceled"), "task canceled");
    }

    @Test
    void aRetryOverTheApiResumesTheFailedStepAndTheLogSaysWhoAndWhen() {
        TestStepHandlers.PERMANENT_CAUSE_FIXED.set(false);
        Task task = start("runner-db", "permanent", "any");
        letProcessGo(task);
        Poll.until(Duration.ofSeconds(10), () -> status(task), s -> s.equals("failed"), "task failed");

        TestStepHandlers.PERMANENT_CAUSE_FIXED.set(true);
        Http.Response retried = Http.post(server.url("/v1/databases/runner-db/tasks/" + task.getTaskId() + "/retry"), "");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("status").asText()).isIn("running", "completed");
        assertThat(retried.json().has("error")).isFalse();

        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        List<String> messages = messages(log(task, ""));
        assertThat(messages.stream().filter(m -> m.equals("started Record step"))).hasSize(1);
        assertThat(messages).anySatisfy(m -> assertThat(m).matches("Check outcome retried by api at \\S+Z: the task runs"
                + " again"));
        assertThat(messages).last().asString().startsWith("finished Check outcome");

        Http.Response again = Http.post(server.url("/v1/databases/runner-db/tasks/" + task.getTaskId() + "/retry"), "");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().path("message").asText()).startsWith("task has ended (completed)");
    }

    @Test
    void aTaskWithoutAFailedStepHasNothingToRetry() {
        TestStepHandlers.holdEntered = new CountDownLatch(1);
        TestStepHandlers.holdRelease = new CountDownLatch(1);
        Task task = start("runner-db", "hold", "test-host");
        try {
            Http.Response r = Http.post(server.url("/v1/databases/runner-db/tasks/" + task.getTaskId() + "/retry"), "");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("message").asText()).isEqualTo(
                    "task has no failed step waiting for a retry (status pending)");
            Http.Response wrongDatabase = Http.post(server.url("/v1/databases/other-db/tasks/" + task.getTaskId()
                    + "/retry"), "");
            assertThat(wrongDatabase.status()).isEqualTo(404);
        } finally {
            TestStepHandlers.holdRelease.countDown();
            runner.cancel(task.getTaskId());
        }
    }

    @Test
    void operationFailureEndsTheTaskFailedWithTheError() {
        Task task = start("runner-db", "operation-failed", "any");
        letProcessGo(task);
        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("failed"), "task failed");
        JsonNode json = taskJson(task);
        assertThat(json.path("error").asText()).isEqualTo("the test asked this operation to fail");
        assertThat(json.path("completed_at").asText()).isNotEmpty();
        assertThat(messages(log(task, ""))).last().asString()
                .startsWith("failed Check outcome: the test asked this operation to fail");
    }

    @Test
    void transientFailureIsRetriedAndTheTaskCompletes() {
        Task task = start("runner-db", "transient-once", "any");
        letProcessGo(task);
        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        List<String> messages = messages(log(task, ""));
        assertThat(messages).contains(
                "failed Check outcome: the container is still starting; retrying in 0 s (2 retries left)");
        assertThat(messages).last().asString().startsWith("finished Check outcome");
    }

    @Test
    void permanentFailureRaisesAnIncidentAndARetryResumesFromTheFailedStep() {
        TestStepHandlers.PERMANENT_CAUSE_FIXED.set(false);
        Task task = start("runner-db", "permanent", "any");
        letProcessGo(task);
        Incident incident = Poll.until(Duration.ofSeconds(30),
                () -> runtime.createIncidentQuery().processInstanceId(task.getProcessInstanceId()).singleResult(),
                i -> i != null, "incident");
        assertThat(incident.getActivityId()).isEqualTo("testOutcome");
        assertThat(incident.getIncidentMessage()).isEqualTo("port 1 is taken by another program");
        Poll.until(Duration.ofSeconds(10), () -> status(task), s -> s.equals("failed"), "task failed");

        // what Cockpit's "retry" does once the operator (logged in as admin) fixed the cause
        TestStepHandlers.PERMANENT_CAUSE_FIXED.set(true);
        ExternalTaskService externalTasks = server.bean(ExternalTaskService.class);
        ExternalTask failed = externalTasks.createExternalTaskQuery().processInstanceId(task.getProcessInstanceId())
                .singleResult();
        IdentityService identity = server.bean(IdentityService.class);
        identity.setAuthenticatedUserId("admin");
        try {
            externalTasks.setRetries(failed.getId(), 1);
        } finally {
            identity.clearAuthentication();
        }
        server.bean(StepWorker.class).wake();

        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        List<String> messages = messages(log(task, ""));
        assertThat(messages.stream().filter(m -> m.startsWith("started Record step"))).hasSize(1);
        assertThat(messages).anySatisfy(m -> assertThat(m).matches("Check outcome retried by admin at \\S+Z: the task"
                + " runs again"));
        assertThat(messages).last().asString().startsWith("finished Check outcome");
    }

    @Test
    void cancelThroughTheApiEndsTheTaskCanceled() {
        Task task = start("runner-db", "ok", "any");
        Http.Response r = Http.get(server.url("/v1/databases/runner-db/tasks/" + task.getTaskId() + "/cancel"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isIn("canceling", "canceled");
        Poll.until(Duration.ofSeconds(10), () -> status(task), s -> s.equals("canceled"), "task canceled");
        assertThat(messages(log(task, ""))).containsSubsequence("task is canceling", "task successfully canceled");

        Http.Response again = Http.get(server.url("/v1/databases/runner-db/tasks/" + task.getTaskId() + "/cancel"));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().path("message").asText()).isEqualTo("task must be running or pending to be cancelled");
    }

    @Test
    void logCursorsReturnOnlyNewerEntriesAndLimitTakesTheNewest() {
        Task task = start("runner-db", "ok", "any");
        letProcessGo(task);
        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        JsonNode full = log(task, "");
        assertThat(full.path("entries")).hasSize(5);
        assertThat(full.path("task_status").asText()).isEqualTo("completed");

        JsonNode tail = log(task, "?limit=2");
        assertThat(messages(tail)).containsExactly("started Check outcome", "finished Check outcome");

        String cursor = log(task, "?limit=3").path("last_entry_id").asText();
        JsonNode afterLast = log(task, "?after_entry_id=" + cursor);
        assertThat(afterLast.path("entries")).isEmpty();
        assertThat(afterLast.path("last_entry_id").asText()).isEqualTo(cursor);

        String secondId = entryIdAt(task, 1);
        JsonNode afterSecond = log(task, "?after_entry_id=" + secondId);
        assertThat(messages(afterSecond)).containsExactly(
                "finished Record step", "started Check outcome", "finished Check outcome");
    }

    @Test
    void taskListCursorAndOrderWork() {
        Task a = start("list-db", "ok", "any");
        Task b = start("list-db", "ok", "any");
        Task c = start("list-db", "ok", "any");
        JsonNode desc = Http.get(server.url("/v1/tasks?scope=database&entity_id=list-db")).json().path("tasks");
        assertThat(ids(desc)).containsExactly(c.getTaskId(), b.getTaskId(), a.getTaskId());
        JsonNode asc = Http.get(server.url("/v1/databases/list-db/tasks?sort_order=asc&after_task_id="
                + a.getTaskId() + "&limit=1")).json().path("tasks");
        assertThat(ids(asc)).containsExactly(b.getTaskId());
        for (Task t : List.of(a, b, c)) {
            runner.cancel(t.getTaskId());
        }
    }

    @Test
    void badTaskQueriesAreRejectedWithInvalidInput() {
        assertInvalid("/v1/tasks?entity_id=x", "entity_id requires scope to be set");
        assertInvalid("/v1/tasks?scope=nope", "scope: must be one of database, host");
        assertInvalid("/v1/tasks?sort_order=sideways",
                "sort_order: must be one of asc, ascend, ascending, desc, descend, descending");
        assertInvalid("/v1/tasks?limit=-1", "limit: must not be negative");
        assertInvalid("/v1/tasks?limit=abc", "limit: invalid value \"abc\"");
        assertInvalid("/v1/databases/runner-db/tasks/not-a-uuid", "the given task ID is invalid");
        assertInvalid("/v1/databases/Bad_Id/tasks", "database_id: valid IDs must be 1-36 characters long, contain only"
                + " lowercase letters, digits, and hyphens, start and end with a letter or digit, and not contain two"
                + " consecutive hyphens");
        Http.Response missing = Http.get(server.url("/v1/databases/runner-db/tasks/" + io.controlplane.task.Uuid7.next()));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("name").asText()).isEqualTo("not_found");
    }

    private static void assertInvalid(String path, String message) {
        Http.Response r = Http.get(server.url(path));
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.json().path("name").asText()).isEqualTo("invalid_input");
        assertThat(r.json().path("message").asText()).isEqualTo(message);
    }

    private static Task start(String entity, String mode, String targetHost) {
        return runner.start(NewTask.forDatabase(entity, "test"), "test-runner",
                Map.of("mode", mode, "targetHost", targetHost));
    }

    private static void letProcessGo(Task task) {
        runtime.createMessageCorrelation("testGo").processInstanceBusinessKey(task.getTaskId()).correlate();
        server.bean(StepWorker.class).wake();
    }

    private static String status(Task task) {
        return taskJson(task).path("status").asText();
    }

    private static JsonNode taskJson(Task task) {
        Http.Response r = Http.get(server.url("/v1/databases/" + task.getEntityId() + "/tasks/" + task.getTaskId()));
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode log(Task task, String query) {
        Http.Response r = Http.get(server.url("/v1/databases/" + task.getEntityId() + "/tasks/" + task.getTaskId()
                + "/log" + query));
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private static String entryIdAt(Task task, int index) {
        // entry ids are not part of the pgEdge log entry JSON; take the cursor from the stored entries
        return server.bean(TaskService.class).logOf(task, java.util.Optional.empty(), 0).entries().get(index)
                .getEntryId();
    }

    private static List<String> messages(JsonNode log) {
        List<String> out = new ArrayList<>();
        // durations vary; "(took N ms)" is checked on its own
        log.path("entries").forEach(e -> out.add(e.path("message").asText().replaceAll(" \\(took \\d+ ms\\)$", "")));
        return out;
    }

    private static List<String> ids(JsonNode tasks) {
        List<String> out = new ArrayList<>();
        tasks.forEach(t -> out.add(t.path("task_id").asText()));
        return out;
    }
}
