package io.controlplane.processes;

import static io.controlplane.processes.ProcessDriver.DONE;
import static io.controlplane.processes.ProcessDriver.indexOf;
import static io.controlplane.processes.ProcessDriver.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.controlplane.database.DatabaseState;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.processes.ProcessDriver.Complete;
import io.controlplane.processes.ProcessDriver.EndOperation;
import io.controlplane.processes.ProcessDriver.Step;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskStatus;
import io.controlplane.support.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real backup-node and restore-database models (and the instance processes restore-database calls)
 * walked with fake steps: routing to the primary's host, the loop when the primary moved, the restore's
 * phases, and how the node_restore tasks end with the restore.
 */
class BackupProcessesTest {

    private final ProcessDriver driver = new ProcessDriver();

    @AfterEach
    void removeStoredDatabases() {
        driver.removeStoredDatabases();
    }

    @Test
    void backupRunsOnThePrimarysHostAndLooksForThePrimaryAgainWhenItMoved() {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        Task task = driver.runner.start(NewTask.forDatabase(db, "node_backup").withNode("n1"), ProcessKeys.BACKUP_NODE,
                ProcessVariables.backupNode(db, "n1", "full", "{}", "{}", "", driver.requestHost));
        AtomicInteger finds = new AtomicInteger();
        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> switch (step.handler()) {
            case HandlerNames.FIND_NODE_PRIMARY -> new Complete(Map.of(ProcessVariables.PRIMARY_INSTANCE, "i",
                    ProcessVariables.PRIMARY_HOST, finds.incrementAndGet() == 1 ? driver.hostA : driver.hostB));
            case HandlerNames.RUN_PGBACKREST_BACKUP -> new Complete(Map.of(ProcessVariables.PRIMARY_MOVED,
                    step.host().equals(driver.hostA)));
            default -> DONE;
        });

        assertThat(steps).extracting(Step::at).containsExactly(
                "findNodePrimary@" + driver.requestHost + "(n1)",
                "createPgBackRestStanza@" + driver.hostA + "(n1)",
                "runPgBackRestBackup@" + driver.hostA + "(n1)",
                "findNodePrimary@" + driver.requestHost + "(n1)",
                "createPgBackRestStanza@" + driver.hostB + "(n1)",
                "runPgBackRestBackup@" + driver.hostB + "(n1)");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void backupThatEndsTheOperationFailsTheTask() {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        Task task = driver.runner.start(NewTask.forDatabase(db, "node_backup").withNode("n1"), ProcessKeys.BACKUP_NODE,
                ProcessVariables.backupNode(db, "n1", "full", "{}", "{}", "", driver.requestHost));
        driver.drive(task.getProcessInstanceId(), step -> switch (step.handler()) {
            case HandlerNames.FIND_NODE_PRIMARY -> new Complete(Map.of(ProcessVariables.PRIMARY_INSTANCE, "i",
                    ProcessVariables.PRIMARY_HOST, driver.hostA));
            case HandlerNames.RUN_PGBACKREST_BACKUP -> new EndOperation("backups are not configured any more");
            default -> DONE;
        });

        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).contains("backups are not configured any more");
    }

    @Test
    void restoreStopsTheNodeRestoresItsPrimaryThenRebuildsItsReplicasAndCompletesTheNodeTasks() {
        String db = driver.storedDatabase(DatabaseState.RESTORING);
        List<Task> nodeTasks = new ArrayList<>();
        Task task = start(db, nodeTasks);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> step.handler()
                .equals(HandlerNames.PLAN_RESTORE) ? restorePlan() : DONE);

        assertThat(steps.get(0).at()).isEqualTo("planRestore@" + driver.requestHost);
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.REMOVE_SWARM_SERVICE))).extracting(Step::at)
                .containsExactlyInAnyOrder("removeSwarmService@" + driver.hostA + "(db-n1-a)",
                        "removeSwarmService@" + driver.hostB + "(db-n1-b)");
        int lastStop = indexOf(steps, s -> s.handler().equals(HandlerNames.REMOVE_SWARM_SERVICE), true);
        int clear = indexOf(steps, s -> s.handler().equals(HandlerNames.CLEAR_PATRONI_STATE), false);
        int firstPrepare = indexOf(steps, s -> s.handler().equals(HandlerNames.PREPARE_RESTORE_DIRECTORY), false);
        int primaryService = indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_SWARM_SERVICE)
                && "db-n1-a".equals(s.target()), false);
        int restoredDb = indexOf(steps, s -> s.handler().equals(HandlerNames.PREPARE_RESTORED_DATABASE), false);
        int replicaService = indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_SWARM_SERVICE)
                && "db-n1-b".equals(s.target()), false);
        int finish = indexOf(steps, s -> s.handler().equals(HandlerNames.FINISH_RESTORE), false);
        assertThat(List.of(lastStop, clear, firstPrepare, primaryService, restoredDb, replicaService, finish))
                .isSorted();
        // before the restore: n1 drops its subscriptions, n2 its subscription to n1 and its slot for n1
        int leave = indexOf(steps, s -> s.handler().equals(HandlerNames.DROP_NODE_SUBSCRIPTIONS), false);
        int peerForgets = indexOf(steps, s -> s.handler().equals(HandlerNames.REMOVE_NODE_FROM_PEER), false);
        int firstStop = indexOf(steps, s -> s.handler().equals(HandlerNames.REMOVE_SWARM_SERVICE), false);
        assertThat(List.of(leave, peerForgets, firstStop)).isSorted();
        assertThat(steps.get(leave).variables()).containsEntry(ProcessVariables.REMOVED_NODE, "n1");
        assertThat(steps.get(peerForgets).at()).isEqualTo("removeNodeFromPeer@" + driver.hostC + "(n2)");
        // after the replicas: the mesh between n1 and n2 again (configure-replication), then the finish
        List<Step> mesh = only(steps, s -> s.processKey().equals(ProcessKeys.CONFIGURE_REPLICATION));
        assertThat(mesh).extracting(Step::at).containsExactlyInAnyOrder(
                "installReplication@" + driver.hostA + "(n1)", "installReplication@" + driver.hostC + "(n2)",
                "createReplicationSlots@" + driver.hostA + "(n1)", "createReplicationSlots@" + driver.hostC + "(n2)",
                "createSubscriptions@" + driver.hostA + "(n1)", "createSubscriptions@" + driver.hostC + "(n2)");
        assertThat(steps.indexOf(mesh.get(0))).isGreaterThan(replicaService);
        assertThat(steps.indexOf(mesh.get(mesh.size() - 1))).isLessThan(finish);
        assertThat(mesh.get(mesh.size() - 1).variables()).containsEntry(ProcessVariables.REPLICATED_NODES, "n1,n2");
        assertThat(steps.get(restoredDb).host()).isEqualTo(driver.hostA);
        assertThat(only(steps, s -> "db-n1-b".equals(s.target()))).allMatch(s -> s.host().equals(driver.hostB));
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.WRITE_PGBACKREST_CONFIG))).hasSize(2);
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(driver.ended(nodeTasks.get(0)).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(driver.tasks.find(nodeTasks.get(0).getTaskId()).orElseThrow().getProcessInstanceId())
                .isEqualTo(task.getProcessInstanceId());
    }

    @Test
    void aFailedRestoreFailsTheNodeTasksWithTheParentsError() {
        String db = driver.storedDatabase(DatabaseState.RESTORING);
        List<Task> nodeTasks = new ArrayList<>();
        Task task = start(db, nodeTasks);

        driver.drive(task.getProcessInstanceId(), step -> step.handler().equals(HandlerNames.PLAN_RESTORE)
                ? restorePlan() : step.handler().equals(HandlerNames.PREPARE_RESTORED_DATABASE)
                ? new EndOperation("the backup has no database 'app'") : DONE);

        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.FAILED);
        Task node = driver.ended(nodeTasks.get(0));
        assertThat(node.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(node.getError()).isEqualTo("parent task failed: the backup has no database 'app'");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
    }

    @Test
    void aCanceledRestoreStopsTheHalfRestoredInstancesAndLeavesTheDatabaseFailed() {
        String db = driver.storedDatabase(DatabaseState.RESTORING);
        List<Task> nodeTasks = new ArrayList<>();
        Task task = start(db, nodeTasks);
        // hold "Create Swarm service" of the primary: Patroni "runs" pgBackRest restore in it when the user cancels
        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> step.handler()
                .equals(HandlerNames.PLAN_RESTORE) ? restorePlan() : step.handler()
                .equals(HandlerNames.CREATE_SWARM_SERVICE) ? ProcessDriver.HOLD : DONE);
        assertThat(steps.get(steps.size() - 1).processKey()).isEqualTo(ProcessKeys.CREATE_INSTANCE);

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();
        List<Step> cleanup = driver.drive(task.getProcessInstanceId(), step -> step.handler()
                .equals(HandlerNames.PLAN_CANCEL_CLEANUP) ? ProcessDriver.cleanupPlan(Map.of(
                ProcessVariables.STOP_INSTANCES, "db-n1-a,db-n1-b",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n1-b=" + driver.hostB)) : DONE);

        assertThat(cleanup.get(0).processKey()).isEqualTo(ProcessKeys.CLEAN_UP_CANCELED_OPERATION);
        assertThat(cleanup).extracting(Step::handler).containsExactly(HandlerNames.AWAIT_INTERRUPTED_STEPS,
                HandlerNames.PLAN_CANCEL_CLEANUP, HandlerNames.REMOVE_SWARM_SERVICE, HandlerNames.REMOVE_SWARM_SERVICE);
        assertThat(cleanup.get(1).variables()).containsEntry(ProcessVariables.RESTORE_INSTANCES, "db-n1-a,db-n1-b");
        assertThat(cleanup.subList(2, 4)).extracting(Step::at).containsExactlyInAnyOrder(
                "removeSwarmService@" + driver.hostA + "(db-n1-a)", "removeSwarmService@" + driver.hostB + "(db-n1-b)");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.ended(nodeTasks.get(0)).getStatus()).isEqualTo(TaskStatus.CANCELED);
        var record = driver.store.record(db).orElseThrow();
        assertThat(record.state()).isEqualTo(DatabaseState.FAILED);
        assertThat(record.errorOrNull()).isEqualTo("the restore was canceled: node(s) n1 are stopped and must be"
                + " restored again");
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(task.getTaskId()).count())
                .isZero();
    }

    @Test
    void aScheduleWaitsOnATimerDueAtItsNextFireTimeAndEndsOnceItsScheduleLeftTheSpec() {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        ManagementService management = driver.server.bean(ManagementService.class);
        // a schedule key the server's reconciler does not know, so it leaves this instance alone
        Task task = driver.runner.start(NewTask.forDatabase(db, "backup_schedule").withNode("n1"),
                ProcessKeys.BACKUP_SCHEDULE, ProcessVariables.backupSchedule("test-schedule:" + db, db, "n1", "nightly",
                        "full", "0 2 * * *", "2030-01-01T02:00:00Z"));
        ProcessInstance schedule = driver.processInstance(task);
        Job timer = management.createJobQuery().processInstanceId(schedule.getId()).timers().singleResult();
        assertThat(timer.getDuedate()).isEqualTo(Date.from(Instant.parse("2030-01-01T02:00:00Z")));

        management.executeJob(timer.getId());
        // the server's own worker runs the real "Start scheduled backup": the stored spec has no schedules
        Poll.until(Duration.ofSeconds(30), () -> driver.runtime.createProcessInstanceQuery()
                .processInstanceId(schedule.getId()).count(), n -> n == 0, "schedule instance ended");
        assertThat(schedule).isEnded().hasPassedInOrder("waitForNextFire", "startScheduledBackup", "end");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    private Task start(String db, List<Task> nodeTasks) {
        return driver.runner.start(NewTask.forDatabase(db, "restore"), ProcessKeys.RESTORE_DATABASE, parent -> {
            Task child = driver.tasks.create(NewTask.forDatabase(db, "node_restore").withParent(parent.getTaskId())
                    .withNode("n1"));
            nodeTasks.add(child);
            return ProcessVariables.restoreDatabase(db, driver.requestHost, Map.of("n1", child.getTaskId()));
        });
    }

    private ProcessDriver.Outcome restorePlan() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(ProcessVariables.NODES, "n1");
        vars.put(ProcessVariables.RESTORE_PRIMARIES, "db-n1-a");
        vars.put(ProcessVariables.RESTORE_REPLICAS, "db-n1-b");
        vars.put(ProcessVariables.RESTORE_INSTANCES, "db-n1-a,db-n1-b");
        vars.put(ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n1-b=" + driver.hostB);
        vars.put(ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA + ",n2=" + driver.hostC);
        vars.put(ProcessVariables.REPLICATED_NODES, "n1,n2");
        vars.put(ProcessVariables.PEER_NODES, "n2");
        return new Complete(vars);
    }
}
