package io.controlplane.processes;

import static io.controlplane.processes.ProcessDriver.DONE;
import static io.controlplane.processes.ProcessDriver.HOLD;
import static io.controlplane.processes.ProcessDriver.indexOf;
import static io.controlplane.processes.ProcessDriver.only;
import static io.controlplane.processes.ProcessDriver.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.InstanceState;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.IncidentTracker;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.processes.ProcessDriver.EndOperation;
import io.controlplane.processes.ProcessDriver.Step;
import io.controlplane.task.Task;
import io.controlplane.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real create-, update- and delete-database models and the instance processes they call, walked
 * step by step with fake steps ({@link ProcessDriver}): order of phases, routing to hosts, skipped
 * empty activities, the failure path (also from inside a called process) and cancel.
 */
class DatabaseProcessesTest {

    /** The steps of create-instance for one instance, configure-instance's included. */
    private static final List<String> CREATE_STEPS = List.of(HandlerNames.ALLOCATE_PORTS,
            HandlerNames.CREATE_ETCD_CREDENTIALS, HandlerNames.WRITE_PATRONI_CONFIG, HandlerNames.WRITE_PGBACKREST_CONFIG, HandlerNames.CREATE_SWARM_SERVICE,
            HandlerNames.WAIT_FOR_INSTANCE);
    private static final List<String> UPDATE_STEPS = List.of(HandlerNames.ALLOCATE_PORTS,
            HandlerNames.CREATE_ETCD_CREDENTIALS, HandlerNames.WRITE_PATRONI_CONFIG, HandlerNames.WRITE_PGBACKREST_CONFIG, HandlerNames.UPDATE_SWARM_SERVICE,
            HandlerNames.APPLY_PATRONI_CONFIG, HandlerNames.WAIT_FOR_INSTANCE);
    private static final List<String> REMOVE_STEPS = List.of(HandlerNames.REMOVE_SWARM_SERVICE,
            HandlerNames.REMOVE_INSTANCE_DATA);

    /** The steps of configure-replication for one node. */
    private static final List<String> MESH_STEPS = List.of(HandlerNames.INSTALL_REPLICATION,
            HandlerNames.CREATE_REPLICATION_SLOTS, HandlerNames.CREATE_SUBSCRIPTIONS);
    private static final List<String> ADD_NODE_STEPS = List.of(HandlerNames.CREATE_SLOTS_FOR_NEW_NODE,
            HandlerNames.COPY_NODE_DATA, HandlerNames.FINISH_NODE_COPY, HandlerNames.START_REPLICATION_FROM_PEERS,
            HandlerNames.SUBSCRIBE_PEERS_TO_NODE);

    private final ProcessDriver driver = new ProcessDriver();

    @AfterEach
    void removeStoredDatabases() {
        driver.removeStoredDatabases();
    }

    // ---- create-database

    @Test
    void createBringsUpPrimariesThenCreatesDatabaseObjectsThenReplicasThenMarksTheDatabaseAvailable() {
        Task task = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE,
                driver.newDatabaseId());
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.CREATE_PRIMARIES, "db-n1-a,db-n2-b",
                ProcessVariables.CREATE_REPLICAS, "db-n1-c",
                ProcessVariables.NODES, "n1,n2",
                ProcessVariables.REPLICATED_NODES, "n1,n2",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n2-b=" + driver.hostB + ",db-n1-c="
                        + driver.hostC,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA + ",n2=" + driver.hostB)) : DONE);

        assertThat(steps.get(0).at()).isEqualTo("planDatabase@" + driver.requestHost);
        assertThat(handlersOf(steps, "db-n1-a")).containsExactlyElementsOf(CREATE_STEPS);
        assertThat(handlersOf(steps, "db-n2-b")).containsExactlyElementsOf(CREATE_STEPS);
        assertThat(handlersOf(steps, "db-n1-c")).containsExactlyElementsOf(CREATE_STEPS);
        assertThat(only(steps, s -> "db-n1-a".equals(s.target()))).allMatch(s -> s.host().equals(driver.hostA));
        assertThat(only(steps, s -> "db-n1-c".equals(s.target()))).allMatch(s -> s.host().equals(driver.hostC));
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.CREATE_DATABASE_OBJECTS))).extracting(Step::at)
                .containsExactlyInAnyOrder("createDatabaseObjects@" + driver.hostA + "(n1)",
                        "createDatabaseObjects@" + driver.hostB + "(n2)");
        assertThat(indexOf(steps, s -> "db-n2-b".equals(s.target()), true))
                .isLessThan(indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_DATABASE_OBJECTS), false));
        assertThat(indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_DATABASE_OBJECTS), true))
                .isLessThan(indexOf(steps, s -> "db-n1-c".equals(s.target()), false));
        // the mesh once every instance runs: each step on every node, on the node's primary host, in phases
        for (String handler : MESH_STEPS) {
            assertThat(only(steps, s -> s.handler().equals(handler))).extracting(Step::at).containsExactlyInAnyOrder(
                    handler + "@" + driver.hostA + "(n1)", handler + "@" + driver.hostB + "(n2)");
        }
        assertThat(indexOf(steps, s -> "db-n1-c".equals(s.target()), true))
                .isLessThan(indexOf(steps, s -> s.handler().equals(HandlerNames.INSTALL_REPLICATION), false));
        assertThat(indexOf(steps, s -> s.handler().equals(HandlerNames.INSTALL_REPLICATION), true))
                .isLessThan(indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_REPLICATION_SLOTS), false));
        assertThat(indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_REPLICATION_SLOTS), true))
                .isLessThan(indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_SUBSCRIPTIONS), false));
        assertThat(steps.get(steps.size() - 1).at()).isEqualTo("markDatabaseAvailable@" + driver.requestHost);
        // plan, the instances, "Prepare restored database" and "Create users..." per node, the mesh, mark available
        assertThat(steps).hasSize(1 + 3 * CREATE_STEPS.size() + 2 + 2 + 2 * MESH_STEPS.size() + 1);
        // every step of every called process belongs to the operation's task
        assertThat(steps).extracting(Step::businessKey).containsOnly(task.getTaskId());

        assertThat(instance).isEnded().hasPassedInOrder("planDatabase", "createPrimaries", "createDatabaseObjects",
                "createReplicas", "configureReplication", "markDatabaseAvailable", "end")
                .hasNotPassed("copyNodeRoles", "addReplicationNodes");
        List<HistoricProcessInstance> all = driver.calledBy(task.getProcessInstanceId());
        assertThat(all).extracting(HistoricProcessInstance::getProcessDefinitionKey)
                .containsOnly(ProcessKeys.CREATE_INSTANCE, ProcessKeys.CONFIGURE_REPLICATION).hasSize(4);
        List<HistoricProcessInstance> called = all.stream()
                .filter(p -> p.getProcessDefinitionKey().equals(ProcessKeys.CREATE_INSTANCE)).toList();
        assertThat(called).extracting(HistoricProcessInstance::getBusinessKey).containsOnly(task.getTaskId());
        for (HistoricProcessInstance createInstance : called) {
            assertThat(driver.calledBy(createInstance.getId())).extracting(HistoricProcessInstance::getProcessDefinitionKey)
                    .containsExactly(ProcessKeys.CONFIGURE_INSTANCE);
        }
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void createWithoutReplicasSkipsTheReplicaCall() {
        Task task = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE,
                driver.newDatabaseId());
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.CREATE_PRIMARIES, "db-n1-a", ProcessVariables.NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA)) : DONE);

        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.PLAN_DATABASE,
                HandlerNames.ALLOCATE_PORTS, HandlerNames.CREATE_ETCD_CREDENTIALS, HandlerNames.WRITE_PATRONI_CONFIG,
                HandlerNames.WRITE_PGBACKREST_CONFIG, HandlerNames.CREATE_SWARM_SERVICE, HandlerNames.WAIT_FOR_INSTANCE, HandlerNames.PREPARE_RESTORED_DATABASE,
                HandlerNames.CREATE_DATABASE_OBJECTS, HandlerNames.MARK_DATABASE_AVAILABLE);
        assertThat(instance).isEnded().hasPassed("createPrimaries").hasNotPassed("createReplicas");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void stepThatEndsTheOperationInsideACalledInstanceFailsTheTaskAndTheDatabaseWithItsMessage() {
        String db = driver.storedDatabase(DatabaseState.CREATING, "db-n1-a", "db-n2-b");
        driver.store.updateInstance(db, "db-n2-b", i -> i.withState(InstanceState.AVAILABLE, null, Instant.now()));
        Task task = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE, db);
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> {
            if (isPlan(step)) {
                return plan(Map.of(ProcessVariables.CREATE_PRIMARIES, "db-n1-a",
                        ProcessVariables.CREATE_REPLICAS, "db-n1-c", ProcessVariables.NODES, "n1",
                        ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n1-c=" + driver.hostC,
                        ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA));
            }
            return step.handler().equals(HandlerNames.CREATE_SWARM_SERVICE)
                    ? new EndOperation("image registry.local/pg:17 does not exist") : DONE;
        });

        assertThat(steps.get(steps.size() - 1).processKey()).isEqualTo(ProcessKeys.CREATE_INSTANCE);
        assertThat(steps.get(steps.size() - 1).handler()).isEqualTo(HandlerNames.CREATE_SWARM_SERVICE);
        assertThat(steps).extracting(Step::handler).doesNotContain(HandlerNames.WAIT_FOR_INSTANCE,
                HandlerNames.CREATE_DATABASE_OBJECTS, HandlerNames.MARK_DATABASE_AVAILABLE);
        assertThat(instance).isEnded().hasPassed("operationFailed", "operationEndedFailed")
                .hasNotPassed("createDatabaseObjects", "createReplicas", "end");
        // the error was thrown in create-instance and caught by create-database: its message reaches the task
        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("image registry.local/pg:17 does not exist");
        DatabaseRecord record = driver.store.record(db).orElseThrow();
        assertThat(record.state()).isEqualTo(DatabaseState.FAILED);
        assertThat(record.errorOrNull()).isEqualTo("image registry.local/pg:17 does not exist");
        assertThat(driver.store.instance(db, "db-n1-a").orElseThrow().state()).isEqualTo(InstanceState.FAILED);
        assertThat(driver.store.instance(db, "db-n1-a").orElseThrow().errorOrNull())
                .isEqualTo("image registry.local/pg:17 does not exist");
        // an instance that was not in progress keeps its state
        assertThat(driver.store.instance(db, "db-n2-b").orElseThrow().state()).isEqualTo(InstanceState.AVAILABLE);
        // no called instance is left behind
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(task.getTaskId()).count())
                .isZero();
    }

    @Test
    void stepThatEndsTheOperationTwoCallsDeepReachesTheTaskToo() {
        String db = driver.storedDatabase(DatabaseState.CREATING, "db-n1-a");
        Task task = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE, db);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> {
            if (isPlan(step)) {
                return plan(Map.of(ProcessVariables.CREATE_PRIMARIES, "db-n1-a", ProcessVariables.NODES, "n1",
                        ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA,
                        ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA));
            }
            return step.handler().equals(HandlerNames.ALLOCATE_PORTS)
                    ? new EndOperation("port 5432 on host a is already used by db-x") : DONE;
        });

        assertThat(steps.get(steps.size() - 1).processKey()).isEqualTo(ProcessKeys.CONFIGURE_INSTANCE);
        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("port 5432 on host a is already used by db-x");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
    }

    @Test
    void stepThatEndsTheOperationInTheProcessItselfFailsTheTask() {
        String db = driver.storedDatabase(DatabaseState.CREATING);
        Task task = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE, db);

        driver.drive(task.getProcessInstanceId(), step -> new EndOperation("database " + db + " has no stored spec"));

        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("database " + db + " has no stored spec");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
    }

    @Test
    void canceledCreateRunsItsCleanupPathAndLeavesTheDatabaseFailed() {
        String db = driver.storedDatabase(DatabaseState.CREATING);
        Task task = createHeldAtItsSwarmService(db);
        ProcessInstance instance = driver.processInstance(task);

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();
        // the "Operation canceled" event sub-process interrupted create-instance and calls the cleanup
        List<Step> cleanup = driver.drive(task.getProcessInstanceId(),
                step -> step.handler().equals(HandlerNames.PLAN_CANCEL_CLEANUP) ? cleanupOfN1() : DONE);

        // the node left without instances leaves the mesh (its subscriptions) before its instance goes
        assertThat(cleanup).extracting(Step::handler).containsExactly(HandlerNames.AWAIT_INTERRUPTED_STEPS,
                HandlerNames.PLAN_CANCEL_CLEANUP, HandlerNames.DROP_NODE_SUBSCRIPTIONS,
                HandlerNames.REMOVE_SWARM_SERVICE, HandlerNames.REMOVE_INSTANCE_DATA);
        assertThat(cleanup.get(0).processKey()).isEqualTo(ProcessKeys.CLEAN_UP_CANCELED_OPERATION);
        assertThat(cleanup.get(2).processKey()).isEqualTo(ProcessKeys.REMOVE_REPLICATION_NODE);
        assertThat(cleanup.get(3).processKey()).isEqualTo(ProcessKeys.REMOVE_INSTANCE);
        assertThat(instance).isEnded();
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        DatabaseRecord record = driver.store.record(db).orElseThrow();
        assertThat(record.state()).isEqualTo(DatabaseState.FAILED);
        assertThat(record.errorOrNull()).isEqualTo("the operation was canceled");
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(task.getTaskId()).count())
                .isZero();
    }

    @Test
    void aCleanupStepThatFailsKeepsTheTaskCancelingWithTheErrorUntilItIsRetried() {
        Task task = createHeldAtItsSwarmService(driver.storedDatabase(DatabaseState.CREATING));
        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();
        driver.drive(task.getProcessInstanceId(), step -> step.handler().equals(HandlerNames.PLAN_CANCEL_CLEANUP)
                ? cleanupOfN1() : step.handler().equals(HandlerNames.DROP_NODE_SUBSCRIPTIONS)
                ? new ProcessDriver.RaiseIncident("node n1 does not answer") : DONE);

        // a client polling the task sees it still canceling, and why it does not end
        driver.server.bean(IncidentTracker.class).refresh(task.getTaskId());
        Task waiting = driver.tasks.find(task.getTaskId()).orElseThrow();
        assertThat(waiting.getStatus()).isEqualTo(TaskStatus.CANCELING);
        assertThat(waiting.getError()).isEqualTo("Stop the removed node's subscriptions failed: node n1 does not answer");
        assertThat(driver.tasks.logOf(task, Optional.empty(), 0).entries()).anyMatch(e -> e.getMessage().startsWith(
                "cleanup of the canceled task failed: Stop the removed node's subscriptions failed"));

        assertThat(driver.runner.retry(task.getTaskId(), "ops-engineer")).isNotEmpty();
        driver.server.bean(IncidentTracker.class).refresh(task.getTaskId());
        assertThat(driver.tasks.find(task.getTaskId()).orElseThrow().getError()).isNull();
        driver.drive(task.getProcessInstanceId(), step -> DONE);
        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(ended.getError()).isNull();
        assertThat(driver.tasks.logOf(task, Optional.empty(), 0).entries())
                .anyMatch(e -> e.getMessage().equals("cleanup of the canceled task runs again"));
    }

    /**
     * A create of n1 (instance db-n1-a) held at "Create Swarm service" of its primary: the step "runs" inside
     * create-instance while the user cancels.
     */
    private Task createHeldAtItsSwarmService(String db) {
        Task task = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE, db);
        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.CREATE_PRIMARIES, "db-n1-a", ProcessVariables.NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA))
                : step.handler().equals(HandlerNames.CREATE_SWARM_SERVICE) ? HOLD : DONE);
        assertThat(steps.get(steps.size() - 1).processKey()).isEqualTo(ProcessKeys.CREATE_INSTANCE);
        return task;
    }

    /** The cleanup plan of that canceled create: db-n1-a goes, and with it node n1. */
    private ProcessDriver.Outcome cleanupOfN1() {
        return ProcessDriver.cleanupPlan(Map.of(ProcessVariables.REMOVE_INSTANCES, "db-n1-a",
                ProcessVariables.REMOVED_NODES, "n1", ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA));
    }

    // ---- update-database

    @Test
    void updateRemovesThenUpdatesOneInstanceAtATimeThenCreatesThenMarksAvailable() {
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE,
                driver.newDatabaseId());
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.REMOVE_INSTANCES, "db-n1-c",
                ProcessVariables.REMOVED_NODES, "n3",
                ProcessVariables.UPDATE_INSTANCES, "db-n1-b,db-n1-a",
                ProcessVariables.CREATE_PRIMARIES, "db-n2-d",
                ProcessVariables.NODES, "n1,n2",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n1-b=" + driver.hostB + ",db-n1-c="
                        + driver.hostC + ",db-n2-d=" + driver.hostC,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA + ",n2=" + driver.hostC)) : DONE);

        assertThat(handlersOf(steps, "db-n1-c")).containsExactlyElementsOf(REMOVE_STEPS);
        assertThat(only(steps, s -> "db-n1-c".equals(s.target()))).allMatch(s -> s.host().equals(driver.hostC)
                && s.processKey().equals(ProcessKeys.REMOVE_INSTANCE));
        // remove-instance gets the nodes whose whole Patroni scope goes
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.REMOVE_INSTANCE_DATA)).get(0).variables())
                .containsEntry(ProcessVariables.REMOVED_NODES, "n3");
        List<String> updates = only(steps, s -> s.processKey().equals(ProcessKeys.UPDATE_INSTANCE)
                || (s.processKey().equals(ProcessKeys.CONFIGURE_INSTANCE) && List.of("db-n1-a", "db-n1-b")
                .contains(s.target()))).stream().map(s -> s.handler() + "(" + s.target() + ")").toList();
        List<String> expected = new ArrayList<>();
        UPDATE_STEPS.forEach(h -> expected.add(h + "(db-n1-b)"));
        UPDATE_STEPS.forEach(h -> expected.add(h + "(db-n1-a)"));
        assertThat(updates).as("one instance at a time, in plan order").containsExactlyElementsOf(expected);
        assertThat(handlersOf(steps, "db-n2-d")).containsExactlyElementsOf(CREATE_STEPS);
        assertThat(indexOf(steps, s -> s.handler().equals(HandlerNames.REMOVE_INSTANCE_DATA), true))
                .isLessThan(indexOf(steps, s -> "db-n1-b".equals(s.target()), false));
        assertThat(indexOf(steps, s -> "db-n1-a".equals(s.target()), true))
                .isLessThan(indexOf(steps, s -> "db-n2-d".equals(s.target()), false));
        assertThat(indexOf(steps, s -> "db-n2-d".equals(s.target()), true))
                .isLessThan(indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_DATABASE_OBJECTS), false));
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.CREATE_DATABASE_OBJECTS))).hasSize(2);
        assertThat(steps.get(steps.size() - 1).handler()).isEqualTo(HandlerNames.MARK_DATABASE_AVAILABLE);
        assertThat(instance).isEnded().hasPassedInOrder("planDatabase", "removeInstances", "updateInstances",
                "createPrimaries", "createDatabaseObjects", "markDatabaseAvailable").hasNotPassed("createReplicas");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void updateWithNothingToDoGoesFromPlanToCreateDatabaseObjectsAndAvailable() {
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE,
                driver.newDatabaseId());
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.NODES, "n1", ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA)) : DONE);

        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.PLAN_DATABASE,
                HandlerNames.PREPARE_RESTORED_DATABASE, HandlerNames.CREATE_DATABASE_OBJECTS,
                HandlerNames.MARK_DATABASE_AVAILABLE);
        assertThat(instance).isEnded().hasNotPassed("removeReplicationNodes", "removeInstances", "updateInstances",
                "createPrimaries", "copyNodeRoles", "createReplicas", "addReplicationNodes");
        // configure-replication is always called; with no node in the mesh it has nothing to do
        assertThat(driver.calledBy(task.getProcessInstanceId())).extracting(HistoricProcessInstance::getProcessDefinitionKey)
                .containsExactly(ProcessKeys.CONFIGURE_REPLICATION);
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void updateTakesARemovedNodeOutOfTheMeshFirstAndAddsACopiedNodeLastOneStepAtATime() {
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE,
                driver.newDatabaseId());
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.REMOVE_INSTANCES, "db-n2-b",
                ProcessVariables.REMOVED_NODES, "n2",
                ProcessVariables.CREATE_PRIMARIES, "db-n3-c",
                ProcessVariables.NODES, "n1,n3",
                ProcessVariables.SYNC_NODES, "n3",
                ProcessVariables.NODE_SOURCES, "n3=n1",
                ProcessVariables.REPLICATED_NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n2-b=" + driver.hostB + ",db-n3-c="
                        + driver.hostC,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA + ",n2=" + driver.hostB + ",n3=" + driver.hostC))
                : DONE);

        List<String> replication = steps.stream().filter(s -> s.processKey().equals(ProcessKeys.REMOVE_REPLICATION_NODE)
                || s.processKey().equals(ProcessKeys.ADD_REPLICATION_NODE)
                || s.processKey().equals(ProcessKeys.CONFIGURE_REPLICATION)
                || s.handler().equals(HandlerNames.COPY_NODE_ROLES)).map(Step::at).toList();
        List<String> expected = new ArrayList<>(List.of(
                // the removed node's subscriptions stop (from the request host), every other node forgets it
                HandlerNames.DROP_NODE_SUBSCRIPTIONS + "@" + driver.requestHost,
                HandlerNames.REMOVE_NODE_FROM_PEER + "@" + driver.hostA + "(n1)",
                HandlerNames.COPY_NODE_ROLES + "@" + driver.hostC + "(n3)"));
        MESH_STEPS.forEach(h -> expected.add(h + "@" + driver.hostA + "(n1)"));
        ADD_NODE_STEPS.forEach(h -> expected.add(h + "@" + driver.hostC + "(n3)"));
        assertThat(replication).containsExactlyElementsOf(expected);
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.DROP_NODE_SUBSCRIPTIONS)).get(0).variables())
                .containsEntry(ProcessVariables.REMOVED_NODE, "n2");
        assertThat(only(steps, s -> s.handler().equals(HandlerNames.COPY_NODE_DATA)).get(0).variables())
                .containsEntry(ProcessVariables.NODE_NAME, "n3");
        assertThat(indexOf(steps, s -> s.handler().equals(HandlerNames.REMOVE_NODE_FROM_PEER), true))
                .isLessThan(indexOf(steps, s -> "db-n2-b".equals(s.target()), false));
        assertThat(indexOf(steps, s -> s.handler().equals(HandlerNames.COPY_NODE_ROLES), true))
                .isLessThan(indexOf(steps, s -> s.handler().equals(HandlerNames.CREATE_DATABASE_OBJECTS), false));
        assertThat(steps.get(steps.size() - 1).handler()).isEqualTo(HandlerNames.MARK_DATABASE_AVAILABLE);
        assertThat(instance).isEnded().hasPassedInOrder("planDatabase", "removeReplicationNodes", "removeInstances",
                "createPrimaries", "copyNodeRoles", "createDatabaseObjects", "configureReplication",
                "addReplicationNodes", "markDatabaseAvailable");
        assertThat(steps).extracting(Step::businessKey).containsOnly(task.getTaskId());
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void failedRollingUpdateStopsBeforeTheNextInstance() {
        String db = driver.storedDatabase(DatabaseState.MODIFYING, "db-n1-a", "db-n1-b");
        driver.store.updateInstance(db, "db-n1-b", i -> i.withState(InstanceState.MODIFYING, null, Instant.now()));
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE, db);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> {
            if (isPlan(step)) {
                return plan(Map.of(ProcessVariables.UPDATE_INSTANCES, "db-n1-b,db-n1-a", ProcessVariables.NODES, "n1",
                        ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n1-b=" + driver.hostB,
                        ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA));
            }
            return step.handler().equals(HandlerNames.WAIT_FOR_INSTANCE)
                    ? new EndOperation("Patroni on db-n1-b never got ready") : DONE;
        });

        assertThat(handlersOf(steps, "db-n1-a")).isEmpty();
        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("Patroni on db-n1-b never got ready");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(driver.store.instance(db, "db-n1-b").orElseThrow().state()).isEqualTo(InstanceState.FAILED);
    }

    @Test
    void canceledUpdateWhileAnInstanceIsUpdatedLeavesTheDatabaseFailed() {
        String db = driver.storedDatabase(DatabaseState.MODIFYING, "db-n1-a");
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE, db);
        driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.UPDATE_INSTANCES, "db-n1-a", ProcessVariables.NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA, ProcessVariables.NODE_HOSTS,
                "n1=" + driver.hostA)) : step.handler().equals(HandlerNames.APPLY_PATRONI_CONFIG) ? HOLD : DONE);

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();
        // an update that created nothing has nothing to remove: the instance it was updating stays
        List<Step> cleanup = driver.drive(task.getProcessInstanceId(),
                step -> step.handler().equals(HandlerNames.PLAN_CANCEL_CLEANUP) ? ProcessDriver.cleanupPlan(Map.of()) : DONE);

        assertThat(cleanup).extracting(Step::handler).containsExactly(HandlerNames.AWAIT_INTERRUPTED_STEPS,
                HandlerNames.PLAN_CANCEL_CLEANUP);
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(task.getTaskId()).count())
                .isZero();
    }

    @Test
    void canceledAddNodeTakesTheHalfAddedNodeOutOfTheMeshBeforeItsInstanceIsRemoved() {
        String db = driver.storedDatabase(DatabaseState.MODIFYING, "db-n1-a");
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE, db);
        // hold "Copy data from source node": the slots for n3 exist on n1, its copy runs, the user cancels
        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.CREATE_PRIMARIES, "db-n3-c",
                ProcessVariables.NODES, "n1,n3",
                ProcessVariables.SYNC_NODES, "n3",
                ProcessVariables.NODE_SOURCES, "n3=n1",
                ProcessVariables.REPLICATED_NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n3-c=" + driver.hostC,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA + ",n3=" + driver.hostC))
                : step.handler().equals(HandlerNames.COPY_NODE_DATA) ? HOLD : DONE);
        assertThat(steps.get(steps.size() - 1).handler()).isEqualTo(HandlerNames.COPY_NODE_DATA);

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();
        List<Step> cleanup = driver.drive(task.getProcessInstanceId(),
                step -> step.handler().equals(HandlerNames.PLAN_CANCEL_CLEANUP) ? ProcessDriver.cleanupPlan(Map.of(
                        ProcessVariables.REMOVE_INSTANCES, "db-n3-c", ProcessVariables.REMOVED_NODES, "n3",
                        ProcessVariables.REPLICATED_NODES, "n1",
                        ProcessVariables.INSTANCE_HOSTS, "db-n3-c=" + driver.hostC,
                        ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA)) : DONE);

        // n1 drops its subscription to n3 and its slot for n3 (else it retains WAL for ever), then n3 goes
        assertThat(cleanup).extracting(Step::at).containsExactly(
                "awaitInterruptedSteps@" + driver.requestHost,
                "planCancelCleanup@" + driver.requestHost,
                "dropNodeSubscriptions@" + driver.requestHost,
                "removeNodeFromPeer@" + driver.hostA + "(n1)",
                "removeSwarmService@" + driver.hostC + "(db-n3-c)",
                "removeInstanceData@" + driver.hostC + "(db-n3-c)");
        assertThat(cleanup.get(2).variables()).containsEntry(ProcessVariables.REMOVED_NODE, "n3");
        assertThat(cleanup.get(3).variables()).containsEntry(ProcessVariables.REMOVED_NODE, "n3");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(task.getTaskId()).count())
                .isZero();
    }

    // ---- delete-database

    @Test
    void deleteRemovesEveryInstanceThenTheDatabaseRecords() {
        Task task = driver.startDatabaseOperation(ProcessKeys.DELETE_DATABASE, ProcessVariables.DELETE,
                driver.newDatabaseId());
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.REMOVE_INSTANCES, "db-n1-a,db-n1-b", ProcessVariables.REMOVED_NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n1-b=" + driver.hostB)) : DONE);

        assertThat(handlersOf(steps, "db-n1-a")).containsExactlyElementsOf(REMOVE_STEPS);
        assertThat(handlersOf(steps, "db-n1-b")).containsExactlyElementsOf(REMOVE_STEPS);
        assertThat(only(steps, s -> "db-n1-b".equals(s.target()))).allMatch(s -> s.host().equals(driver.hostB));
        assertThat(steps.get(steps.size() - 1).at()).isEqualTo("deleteDatabaseRecords@" + driver.requestHost);
        assertThat(steps).hasSize(1 + 4 + 1);
        assertThat(instance).isEnded().hasPassedInOrder("planDatabase", "removeInstances", "deleteDatabaseRecords");
        assertThat(driver.calledBy(task.getProcessInstanceId())).extracting(HistoricProcessInstance::getProcessDefinitionKey)
                .containsOnly(ProcessKeys.REMOVE_INSTANCE).hasSize(2);
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void deleteOfADatabaseWithoutInstancesOnlyDeletesItsRecords() {
        Task task = driver.startDatabaseOperation(ProcessKeys.DELETE_DATABASE, ProcessVariables.DELETE,
                driver.newDatabaseId());
        ProcessInstance instance = driver.processInstance(task);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of()) : DONE);

        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.PLAN_DATABASE,
                HandlerNames.DELETE_DATABASE_RECORDS);
        assertThat(instance).isEnded().hasNotPassed("removeInstances");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void failedDeleteLeavesTheDatabaseFailedAndItsRecordsInPlace() {
        String db = driver.storedDatabase(DatabaseState.DELETING, "db-n1-a");
        driver.store.updateInstance(db, "db-n1-a", i -> i.withState(InstanceState.DELETING, null, Instant.now()));
        Task task = driver.startDatabaseOperation(ProcessKeys.DELETE_DATABASE, ProcessVariables.DELETE, db);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> {
            if (isPlan(step)) {
                return plan(Map.of(ProcessVariables.REMOVE_INSTANCES, "db-n1-a",
                        ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA));
            }
            return step.handler().equals(HandlerNames.REMOVE_SWARM_SERVICE) ? new EndOperation("docker is not running")
                    : DONE;
        });

        assertThat(steps).extracting(Step::handler).doesNotContain(HandlerNames.REMOVE_INSTANCE_DATA,
                HandlerNames.DELETE_DATABASE_RECORDS);
        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("docker is not running");
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(driver.store.record(db).orElseThrow().errorOrNull()).isEqualTo("docker is not running");
        assertThat(driver.store.instance(db, "db-n1-a").orElseThrow().state()).isEqualTo(InstanceState.FAILED);
    }

    @Test
    void canceledDeleteLeavesTheDatabaseFailed() {
        String db = driver.storedDatabase(DatabaseState.DELETING, "db-n1-a");
        Task task = driver.startDatabaseOperation(ProcessKeys.DELETE_DATABASE, ProcessVariables.DELETE, db);
        driver.drive(task.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.REMOVE_INSTANCES, "db-n1-a", ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA))
                : HOLD);

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();

        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(driver.store.record(db).orElseThrow().errorOrNull()).isEqualTo("the operation was canceled");
    }

    // ----

    private static boolean isPlan(Step step) {
        return step.handler().equals(HandlerNames.PLAN_DATABASE);
    }

    /** The handlers that ran for one instance or node, in order. */
    private static List<String> handlersOf(List<Step> steps, String target) {
        return steps.stream().filter(s -> target.equals(s.target())).map(Step::handler).toList();
    }
}
