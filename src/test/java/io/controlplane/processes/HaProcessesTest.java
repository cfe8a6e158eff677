package io.controlplane.processes;

import static io.controlplane.processes.ProcessDriver.DONE;
import static io.controlplane.processes.ProcessDriver.HOLD;
import static io.controlplane.processes.ProcessDriver.indexOf;
import static io.controlplane.processes.ProcessDriver.only;
import static io.controlplane.processes.ProcessDriver.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.controlplane.database.DatabaseState;
import io.controlplane.database.NodeOperation;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.processes.ProcessDriver.Complete;
import io.controlplane.processes.ProcessDriver.EndOperation;
import io.controlplane.processes.ProcessDriver.Step;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HA processes (switchover-, failover-node, restart-, stop-, start-instance, upgrade-database and the
 * called switch-node-primary) walked with fake steps: the steps in order on the right hosts, the
 * scheduled_at timer (its due date, its firing, its removal by a cancel), the failure path that fails
 * the task but not the database, the release of the node, and the rolling order of an image change.
 */
class HaProcessesTest {

    private static final List<String> UPDATE_STEPS = List.of(HandlerNames.ALLOCATE_PORTS,
            HandlerNames.CREATE_ETCD_CREDENTIALS, HandlerNames.WRITE_PATRONI_CONFIG, HandlerNames.WRITE_PGBACKREST_CONFIG,
            HandlerNames.UPDATE_SWARM_SERVICE,
            HandlerNames.APPLY_PATRONI_CONFIG, HandlerNames.WAIT_FOR_INSTANCE);

    private final ProcessDriver driver = new ProcessDriver();
    private final ManagementService management = driver.server.bean(ManagementService.class);

    @AfterEach
    void removeStoredDatabases() {
        driver.removeStoredDatabases();
    }

    // ---- switchover-node and switch-node-primary

    @Test
    void switchoverChoosesOnTheRequestHostThenSwitchesOverAndWaitsOnTheCandidatesHost() {
        Task task = switchover(driver.newDatabaseId(), "");
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), this::chooseB);

        assertThat(steps).extracting(Step::at).containsExactly("chooseCandidate@" + driver.requestHost + "(n1)",
                "switchOverToCandidate@" + driver.hostB + "(n1)", "waitForNodePrimary@" + driver.hostB + "(n1)");
        assertThat(steps).extracting(Step::processKey).containsOnly(ProcessKeys.SWITCH_NODE_PRIMARY);
        assertThat(steps).extracting(Step::businessKey).containsOnly(task.getTaskId());
        assertThat(steps.get(1).variables()).containsEntry(ProcessVariables.CANDIDATE_INSTANCE_ID, "db-n1-b");
        assertThat(instance).isEnded().hasPassedInOrder("scheduledGateway", "startSwitchover", "switchNodePrimary", "end")
                .hasNotPassed("waitForScheduledTime");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aRequestedCandidateReachesTheChoiceStep() {
        Task task = switchover(driver.newDatabaseId(), "db-n1-c");

        List<Step> steps = driver.drive(task.getProcessInstanceId(), this::chooseB);

        assertThat(steps.get(0).variables()).containsEntry(ProcessVariables.CANDIDATE_INSTANCE_ID, "db-n1-c");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aScheduledSwitchoverWaitsOnATimerDueAtScheduledAtAndACancelDeletesIt() {
        Instant at = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String db = driver.newDatabaseId();
        Task task = switchover(db, "", at.toString());
        ProcessInstance instance = driver.processInstance(task);

        Job timer = management.createJobQuery().processInstanceId(task.getProcessInstanceId()).timers().singleResult();
        assertThat(timer).as("the timer job Cockpit shows").isNotNull();
        assertThat(timer.getDuedate()).isEqualTo(Date.from(at));
        assertThat(instance).isWaitingAt("waitForScheduledTime");
        assertThat(driver.fetch()).as("no step runs before the time").isEmpty();

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();

        assertThat(instance).isEnded();
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(management.createJobQuery().processInstanceId(task.getProcessInstanceId()).count()).isZero();
    }

    @Test
    void aScheduledSwitchoverRunsWhenItsTimeComes() {
        Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Task task = switchover(driver.newDatabaseId(), "", at.toString());

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> {
            assertThat(Instant.now()).as("a step ran before scheduled_at").isAfterOrEqualTo(at);
            return chooseB(step);
        });

        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.CHOOSE_CANDIDATE,
                HandlerNames.SWITCH_OVER_TO_CANDIDATE, HandlerNames.WAIT_FOR_NODE_PRIMARY);
        assertThat(driver.processInstance(task)).isNull();
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aRefusedSwitchoverFailsTheTaskReleasesTheNodeAndLeavesTheDatabaseAsItWas() {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        Task task = switchover(db, "");
        claim(db, task);

        driver.drive(task.getProcessInstanceId(), step -> step.handler().equals(HandlerNames.SWITCH_OVER_TO_CANDIDATE)
                ? new EndOperation("Patroni refused the switchover of node n1 to db-n1-b: no good candidates")
                : chooseB(step));

        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("Patroni refused the switchover of node n1 to db-n1-b: no good candidates");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.AVAILABLE);
        assertThat(driver.store.nodeOperation(db, "n1")).as("the node is released").isEmpty();
    }

    // ---- failover-node

    @Test
    void failoverChecksThenFailsOverAndWaitsOnTheCandidatesHost() {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        Task task = driver.runner.start(NewTask.forDatabase(db, ProcessVariables.FAILOVER).withNode("n1"),
                ProcessKeys.FAILOVER_NODE, ProcessVariables.failover(db, driver.requestHost, "n1", "", true));
        claim(db, task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), this::chooseB);

        assertThat(steps).extracting(Step::at).containsExactly("chooseCandidate@" + driver.requestHost + "(n1)",
                "checkNodeNeedsFailover@" + driver.hostB + "(n1)", "failOverToCandidate@" + driver.hostB + "(n1)",
                "waitForNodePrimary@" + driver.hostB + "(n1)");
        assertThat(steps.get(1).variables()).containsEntry(ProcessVariables.SKIP_VALIDATION, true);
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(driver.store.nodeOperation(db, "n1")).isEmpty();
    }

    @Test
    void aFailoverOfAHealthyNodeFailsWithPgEdgesMessageBeforeAnythingChanges() {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        Task task = driver.runner.start(NewTask.forDatabase(db, ProcessVariables.FAILOVER).withNode("n1"),
                ProcessKeys.FAILOVER_NODE, ProcessVariables.failover(db, driver.requestHost, "n1", "", false));

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step ->
                step.handler().equals(HandlerNames.CHECK_NODE_NEEDS_FAILOVER)
                        ? new EndOperation("cluster is healthy; refuse failover unless skip_validation is true")
                        : chooseB(step));

        assertThat(steps).extracting(Step::handler).doesNotContain(HandlerNames.FAIL_OVER_TO_CANDIDATE);
        assertThat(driver.ended(task).getError()).isEqualTo("cluster is healthy; refuse failover unless skip_validation is true");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.AVAILABLE);
    }

    // ---- restart-, stop- and start-instance

    @Test
    void restartRestartsThenWaitsOnTheInstanceHost() {
        Task task = instanceOperation(ProcessKeys.RESTART_INSTANCE, ProcessVariables.RESTART_INSTANCE, "");

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> DONE);

        assertThat(steps).extracting(Step::at).containsExactly("restartPostgres@" + driver.hostA + "(db-n1-a)",
                "waitForInstanceRunning@" + driver.hostA + "(db-n1-a)");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aScheduledRestartWaitsOnItsTimer() {
        Instant at = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Task task = instanceOperation(ProcessKeys.RESTART_INSTANCE, ProcessVariables.RESTART_INSTANCE, at.toString());

        Job timer = management.createJobQuery().processInstanceId(task.getProcessInstanceId()).timers().singleResult();
        assertThat(timer.getDuedate()).isEqualTo(Date.from(at));
        management.executeJob(timer.getId());
        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> DONE);

        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.RESTART_POSTGRES,
                HandlerNames.WAIT_FOR_INSTANCE_RUNNING);
        assertThat(steps.get(0).variables()).containsEntry(ProcessVariables.SCHEDULED_AT, at.toString());
    }

    @Test
    void stopScalesDownOnTheInstanceHostAndStartScalesUpThenWaits() {
        Task stop = instanceOperation(ProcessKeys.STOP_INSTANCE, ProcessVariables.STOP_INSTANCE, "");
        assertThat(driver.drive(stop.getProcessInstanceId(), step -> DONE)).extracting(Step::at)
                .containsExactly("stopInstanceService@" + driver.hostA + "(db-n1-a)");
        assertThat(driver.ended(stop).getStatus()).isEqualTo(TaskStatus.COMPLETED);

        Task start = instanceOperation(ProcessKeys.START_INSTANCE, ProcessVariables.START_INSTANCE, "");
        assertThat(driver.drive(start.getProcessInstanceId(), step -> DONE)).extracting(Step::at)
                .containsExactly("startInstanceService@" + driver.hostA + "(db-n1-a)",
                        "waitForInstanceRunning@" + driver.hostA + "(db-n1-a)");
        assertThat(driver.ended(start).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aCanceledStopReleasesTheNode() {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        Task task = driver.runner.start(NewTask.forDatabase(db, ProcessVariables.STOP_INSTANCE).withNode("n1"),
                ProcessKeys.STOP_INSTANCE, ProcessVariables.instanceOperation(db, ProcessVariables.STOP_INSTANCE,
                        driver.requestHost, "n1", "db-n1-a", driver.hostA, "", Instant.now().toString()));
        claim(db, task);
        driver.drive(task.getProcessInstanceId(), step -> HOLD);

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();

        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.store.nodeOperation(db, "n1")).isEmpty();
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.AVAILABLE);
    }

    // ---- upgrade-database

    @Test
    void anImageChangeUpdatesReplicasThenSwitchesEachNodeOverThenUpdatesTheOldPrimaries() {
        String db = driver.storedDatabase(DatabaseState.MODIFYING);
        Task task = driver.startDatabaseOperation(ProcessKeys.UPGRADE_DATABASE, ProcessVariables.UPGRADE, db);
        ProcessInstance instance = driver.processInstance(task);
        String hosts = "db-n1-a=" + driver.hostA + ",db-n1-b=" + driver.hostB + ",db-n2-c=" + driver.hostC
                + ",db-n2-a=" + driver.hostA + ",db-n3-c=" + driver.hostC;

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> switch (step.handler()) {
            case HandlerNames.PLAN_DATABASE -> plan(Map.of(
                    ProcessVariables.UPDATE_INSTANCES, "db-n1-b,db-n2-a,db-n3-c,db-n1-a,db-n2-c",
                    ProcessVariables.NODES, "n1,n2,n3", ProcessVariables.INSTANCE_HOSTS, hosts));
            case HandlerNames.ORDER_ROLLING_UPDATE -> new Complete(Map.of(
                    ProcessVariables.UPGRADE_REPLICAS, "db-n1-b,db-n2-a",
                    ProcessVariables.SWITCHOVER_NODES, "n1,n2",
                    ProcessVariables.UPGRADE_PRIMARIES, "db-n3-c,db-n1-a,db-n2-c"));
            case HandlerNames.CHOOSE_CANDIDATE -> new Complete(Map.of(
                    ProcessVariables.CANDIDATE_INSTANCE_ID, "n1".equals(step.target()) ? "db-n1-b" : "db-n2-a",
                    ProcessVariables.CANDIDATE_HOST, "n1".equals(step.target()) ? driver.hostB : driver.hostA));
            default -> DONE;
        });

        assertThat(steps.subList(0, 2)).extracting(Step::at).containsExactly("planDatabase@" + driver.requestHost,
                "orderRollingUpdate@" + driver.requestHost);
        for (String id : List.of("db-n1-b", "db-n2-a", "db-n3-c", "db-n1-a", "db-n2-c")) {
            assertThat(only(steps, s -> id.equals(s.target()))).extracting(Step::handler)
                    .as(id).containsExactlyElementsOf(UPDATE_STEPS);
        }
        int lastReplicaStep = indexOf(steps, s -> is(s, "db-n1-b", "db-n2-a"), true);
        int firstSwitchover = indexOf(steps, s -> s.processKey().equals(ProcessKeys.SWITCH_NODE_PRIMARY), false);
        int lastSwitchover = indexOf(steps, s -> s.processKey().equals(ProcessKeys.SWITCH_NODE_PRIMARY), true);
        int firstPrimaryStep = indexOf(steps, s -> is(s, "db-n3-c", "db-n1-a", "db-n2-c"), false);
        assertThat(lastReplicaStep).isLessThan(firstSwitchover);
        assertThat(lastSwitchover).isLessThan(firstPrimaryStep);
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.SWITCH_OVER_TO_CANDIDATE))).extracting(Step::at)
                .containsExactlyInAnyOrder("switchOverToCandidate@" + driver.hostB + "(n1)",
                        "switchOverToCandidate@" + driver.hostA + "(n2)");
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.CHOOSE_CANDIDATE)))
                .allMatch(s -> "".equals(s.variables().get(ProcessVariables.CANDIDATE_INSTANCE_ID)));
        // the old primaries are updated one at a time, in the order given
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.UPDATE_SWARM_SERVICE))).extracting(Step::target)
                .containsExactly("db-n1-b", "db-n2-a", "db-n3-c", "db-n1-a", "db-n2-c");
        assertThat(steps.get(steps.size() - 1).at()).isEqualTo("markDatabaseAvailable@" + driver.requestHost);
        assertThat(instance).isEnded().hasPassedInOrder("planDatabase", "orderRollingUpdate", "updateReplicas",
                "switchNodePrimaries", "updatePrimaries", "markDatabaseAvailable", "end");
        assertThat(driver.calledBy(task.getProcessInstanceId())).extracting(HistoricProcessInstance::getProcessDefinitionKey)
                .filteredOn(ProcessKeys.SWITCH_NODE_PRIMARY::equals).hasSize(2);
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void anImageChangeThatCannotBeOrderedFailsTheTaskAndTheDatabase() {
        String db = driver.storedDatabase(DatabaseState.MODIFYING);
        Task task = driver.startDatabaseOperation(ProcessKeys.UPGRADE_DATABASE, ProcessVariables.UPGRADE, db);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step ->
                step.handler().equals(HandlerNames.PLAN_DATABASE) ? plan(Map.of(ProcessVariables.CREATE_REPLICAS, "x"))
                        : step.handler().equals(HandlerNames.ORDER_ROLLING_UPDATE)
                        ? new EndOperation("update the database before changing its image") : DONE);

        assertThat(steps).hasSize(2);
        assertThat(driver.ended(task).getError()).isEqualTo("update the database before changing its image");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
    }

    // ---- helpers

    private static boolean is(Step step, String... instanceIds) {
        return step.target() != null && List.of(instanceIds).contains(step.target());
    }

    private ProcessDriver.Outcome chooseB(Step step) {
        return step.handler().equals(HandlerNames.CHOOSE_CANDIDATE) ? new Complete(Map.of(
                ProcessVariables.CANDIDATE_INSTANCE_ID, "db-n1-b", ProcessVariables.CANDIDATE_HOST, driver.hostB)) : DONE;
    }

    private Task switchover(String db, String candidate) {
        return switchover(db, candidate, "");
    }

    private Task switchover(String db, String candidate, String scheduledAt) {
        return driver.runner.start(NewTask.forDatabase(db, ProcessVariables.SWITCHOVER).withNode("n1"),
                ProcessKeys.SWITCHOVER_NODE, ProcessVariables.switchover(db, driver.requestHost, "n1", candidate,
                        scheduledAt));
    }

    private Task instanceOperation(String key, String type, String scheduledAt) {
        String db = driver.newDatabaseId();
        return driver.runner.start(NewTask.forDatabase(db, type).withNode("n1").withInstance("db-n1-a", driver.hostA),
                key, ProcessVariables.instanceOperation(db, type, driver.requestHost, "n1", "db-n1-a", driver.hostA,
                        scheduledAt, Instant.now().toString()));
    }

    private void claim(String db, Task task) {
        assertThat(driver.store.claimNode(db, "n1", new NodeOperation(task.getTaskId(), task.getType(), Instant.now()),
                op -> false)).isTrue();
    }
}
