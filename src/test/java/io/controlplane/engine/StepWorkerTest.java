package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.cluster.ClusterMembership;
import io.controlplane.cluster.ClusterService;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskLogEntry;
import io.controlplane.task.TaskService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.Incident;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker's failure policy against a real server (engine, task log, embedded etcd): the step of
 * {@code test-failure-policy} fails as told, with retries 3 and a backoff of 1 s in its BPMN.
 */
class StepWorkerTest {

    private static TestServer server;
    private static OperationRunner runner;
    private static RuntimeService runtime;
    private static ExternalTaskService externalTasks;

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        server.bean(ClusterMembership.class).markInitialized();
        runner = server.bean(OperationRunner.class);
        runtime = server.bean(RuntimeService.class);
        externalTasks = server.bean(ExternalTaskService.class);
    }

    @AfterAll
    static void removeTestUser() {
        try (EtcdAdmin admin = server.bean(ClusterService.class).admin()) {
            admin.removeInstanceUser("failure-policy-test");
        }
    }

    @Test
    void etcdPermissionDeniedRaisesAnIncidentAtOnceAndACockpitRetryResumesTheStep() {
        FailingStepHandlers.CAUSE_FIXED.set(false);
        Task task = start("etcd-permission-denied");

        Incident incident = Poll.until(Duration.ofSeconds(30),
                () -> runtime.createIncidentQuery().processInstanceId(task.getProcessInstanceId()).singleResult(),
                i -> i != null, "incident");
        assertThat(incident.getActivityId()).isEqualTo("testFailAsTold");
        assertThat(incident.getIncidentMessage()).contains("permission denied");
        ExternalTask step = stepOf(task);
        assertThat(step.getRetries()).isZero();
        List<String> messages = Poll.until(Duration.ofSeconds(10), () -> messages(task), m -> m.size() == 3,
                "the incident in the task log");
        assertThat(messages.get(0)).isEqualTo("started Fail as told");
        assertThat(messages.get(1)).startsWith("failed Fail as told: ").contains("permission denied")
                .endsWith("; incident raised: fix the cause, then retry the step (Retry in Cockpit, or POST"
                        + " .../tasks/{task_id}/retry) or cancel the task");
        assertThat(messages.get(2)).startsWith("task failed: Fail as told failed: ").contains("permission denied");
        assertThat(status(task)).isEqualTo("failed");
        JsonNode failed = entries(task).get(1).path("fields");
        assertThat(failed.path("failure_kind").asText()).isEqualTo("permanent");
        assertThat(failed.path("retries_left").asInt()).isZero();

        // what Cockpit's "Retry" does once the operator fixed the cause
        FailingStepHandlers.CAUSE_FIXED.set(true);
        externalTasks.setRetries(step.getId(), 1);
        server.bean(StepWorker.class).wake();
        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        assertThat(messages(task)).last().asString().matches("finished Fail as told \\(took \\d+ ms\\)");
    }

    @Test
    void transientFailureIsRetriedAfterItsBackoff() {
        Task task = start("transient-twice");

        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        List<TaskLogEntry> log = log(task);
        assertThat(log).extracting(TaskLogEntry::getMessage).map(m -> m.replaceAll(" \\(took \\d+ ms\\)$", ""))
                .containsExactly(
                        "started Fail as told",
                        "failed Fail as told: the container is still starting (attempt 1); retrying in 1 s (3 retries left)",
                        "started Fail as told",
                        "failed Fail as told: the container is still starting (attempt 2); retrying in 1 s (2 retries left)",
                        "started Fail as told",
                        "finished Fail as told");
        // the engine holds the step back for its backoff: no attempt starts before it ran out
        assertThat(Duration.between(log.get(1).getTimestamp(), log.get(2).getTimestamp()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(log.get(3).getTimestamp(), log.get(4).getTimestamp()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(entries(task).get(1).path("fields").path("failure_kind").asText()).isEqualTo("transient");
    }

    @Test
    void transientFailureRaisesAnIncidentOnceTheRetriesAreUsedUp() {
        Task task = start("transient-always");

        Incident incident = Poll.until(Duration.ofSeconds(60),
                () -> runtime.createIncidentQuery().processInstanceId(task.getProcessInstanceId()).singleResult(),
                i -> i != null, "incident");
        assertThat(incident.getIncidentMessage()).isEqualTo("the container never starts");
        List<String> messages = Poll.until(Duration.ofSeconds(10), () -> messages(task), m -> m.size() == 9,
                "the incident in the task log");
        assertThat(messages).containsExactly(
                "started Fail as told",
                "failed Fail as told: the container never starts; retrying in 1 s (3 retries left)",
                "started Fail as told",
                "failed Fail as told: the container never starts; retrying in 1 s (2 retries left)",
                "started Fail as told",
                "failed Fail as told: the container never starts; retrying in 2 s (1 retries left)",
                "started Fail as told",
                "failed Fail as told: the container never starts; incident raised: fix the cause, then retry the step"
                        + " (Retry in Cockpit, or POST .../tasks/{task_id}/retry) or cancel the task",
                "task failed: Fail as told failed: the container never starts; it waits for a retry of the step or a"
                        + " cancel");
        runner.cancel(task.getTaskId());
    }

    @Test
    void refusalByDesignEndsTheOperationFailedWithItsMessage() {
        // a real etcd refusal: removing the only member of the test server's cluster
        Task task = start("etcd-removal-refused");

        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("failed"), "task failed");
        JsonNode json = taskJson(task);
        assertThat(json.path("error").asText()).isEqualTo("cannot remove a member from a cluster with less than three nodes");
        assertThat(runtime.createIncidentQuery().processInstanceId(task.getProcessInstanceId()).count()).isZero();
        assertThat(messages(task)).containsExactly("started Fail as told",
                "failed Fail as told: cannot remove a member from a cluster with less than three nodes");
        try (EtcdAdmin admin = server.bean(ClusterService.class).admin()) {
            assertThat(admin.listMembers()).hasSize(1);
        }
    }

    @Test
    void unexpectedExceptionIsRetriedAndTheLogSaysItWasNotClassified() {
        Task task = start("unexpected-once");

        Poll.until(Duration.ofSeconds(30), () -> status(task), s -> s.equals("completed"), "task completed");
        assertThat(messages(task).get(1))
                .isEqualTo("failed Fail as told: a bug in a step handler; retrying in 1 s (3 retries left)");
        JsonNode fields = entries(task).get(1).path("fields");
        assertThat(fields.path("failure_kind").asText()).isEqualTo("transient");
        assertThat(fields.path("classification").asText())
                .isEqualTo("unclassified java.lang.IllegalStateException, treated as transient");
    }

    private static Task start(String mode) {
        Task task = runner.start(NewTask.forDatabase("failure-db", "test"), "test-failure-policy", Map.of("mode", mode));
        server.bean(StepWorker.class).wake();
        return task;
    }

    private static ExternalTask stepOf(Task task) {
        return externalTasks.createExternalTaskQuery().processInstanceId(task.getProcessInstanceId()).singleResult();
    }

    private static String status(Task task) {
        return taskJson(task).path("status").asText();
    }

    private static JsonNode taskJson(Task task) {
        Http.Response r = Http.get(server.url("/v1/databases/" + task.getEntityId() + "/tasks/" + task.getTaskId()));
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode entries(Task task) {
        Http.Response r = Http.get(server.url("/v1/databases/" + task.getEntityId() + "/tasks/" + task.getTaskId()
                + "/log"));
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("entries");
    }

    private static List<TaskLogEntry> log(Task task) {
        return server.bean(TaskService.class).logOf(task, Optional.empty(), 0).entries();
    }

    private static List<String> messages(Task task) {
        List<String> out = new ArrayList<>();
        entries(task).forEach(e -> out.add(e.path("message").asText()));
        return out;
    }
}
