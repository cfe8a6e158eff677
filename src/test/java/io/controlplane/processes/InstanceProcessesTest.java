package io.controlplane.processes;

import static io.controlplane.processes.ProcessDriver.DONE;
import static io.controlplane.processes.ProcessDriver.HOLD;
import static io.controlplane.processes.ProcessDriver.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.controlplane.database.DatabaseState;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.processes.ProcessDriver.EndOperation;
import io.controlplane.processes.ProcessDriver.Step;
import io.controlplane.task.Task;
import io.controlplane.task.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The called instance processes on their own: each one started directly with the inputs its callers
 * map in (as an ops engineer could from Cockpit) runs its steps in order on the instance's host; a
 * step that ends the operation inside it ends the calling operation with the step's message; a
 * cancel of the caller ends it.
 */
class InstanceProcessesTest {

    private final ProcessDriver driver = new ProcessDriver();

    @AfterEach
    void removeStoredDatabases() {
        driver.removeStoredDatabases();
    }

    @Test
    void configureInstanceAllocatesPortsCreatesTheEtcdUserAndWritesTheConfigOnTheInstanceHost() {
        ProcessInstance instance = startDirectly(ProcessKeys.CONFIGURE_INSTANCE);

        List<Step> steps = driver.drive(instance.getId(), step -> DONE);

        assertThat(steps).extracting(Step::at).containsExactly(
                "allocatePorts@" + driver.hostA + "(db-n1-a)",
                "createEtcdCredentials@" + driver.hostA + "(db-n1-a)",
                "writePatroniConfig@" + driver.hostA + "(db-n1-a)",
                "writePgBackRestConfig@" + driver.hostA + "(db-n1-a)");
        assertThat(instance).isEnded().hasPassedInOrder("start", "allocatePorts", "createEtcdCredentials",
                "writePatroniConfig", "end");
    }

    @Test
    void createInstanceConfiguresThenCreatesTheServiceThenWaitsUntilReady() {
        ProcessInstance instance = startDirectly(ProcessKeys.CREATE_INSTANCE);

        List<Step> steps = driver.drive(instance.getId(), step -> DONE);

        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.ALLOCATE_PORTS,
                HandlerNames.CREATE_ETCD_CREDENTIALS, HandlerNames.WRITE_PATRONI_CONFIG,
                HandlerNames.WRITE_PGBACKREST_CONFIG, HandlerNames.CREATE_SWARM_SERVICE, HandlerNames.WAIT_FOR_INSTANCE);
        assertThat(steps).allMatch(s -> s.host().equals(driver.hostA) && "db-n1-a".equals(s.target()));
        assertThat(instance).isEnded().hasPassedInOrder("configureInstance", "createSwarmService", "waitForInstance");
        assertThat(driver.calledBy(instance.getId())).extracting(HistoricProcessInstance::getBusinessKey)
                .containsExactly(instance.getBusinessKey());
    }

    @Test
    void updateInstanceConfiguresThenUpdatesTheServiceThenAppliesTheSettingsThenWaits() {
        ProcessInstance instance = startDirectly(ProcessKeys.UPDATE_INSTANCE);

        List<Step> steps = driver.drive(instance.getId(), step -> DONE);

        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.ALLOCATE_PORTS,
                HandlerNames.CREATE_ETCD_CREDENTIALS, HandlerNames.WRITE_PATRONI_CONFIG,
                HandlerNames.WRITE_PGBACKREST_CONFIG, HandlerNames.UPDATE_SWARM_SERVICE, HandlerNames.APPLY_PATRONI_CONFIG, HandlerNames.WAIT_FOR_INSTANCE);
        assertThat(steps).allMatch(s -> s.host().equals(driver.hostA));
        assertThat(instance).isEnded().hasPassedInOrder("configureInstance", "updateSwarmService",
                "applyPatroniConfig", "waitForInstance");
    }

    @Test
    void removeInstanceRemovesTheServiceThenTheInstanceData() {
        ProcessInstance instance = startDirectly(ProcessKeys.REMOVE_INSTANCE);

        List<Step> steps = driver.drive(instance.getId(), step -> DONE);

        assertThat(steps).extracting(Step::at).containsExactly(
                "removeSwarmService@" + driver.hostA + "(db-n1-a)",
                "removeInstanceData@" + driver.hostA + "(db-n1-a)");
        assertThat(instance).isEnded().hasPassedInOrder("removeSwarmService", "removeInstanceData");
    }

    @Test
    void aStepThatEndsTheOperationInUpdateInstanceEndsUpdateDatabaseWithItsMessage() {
        String db = driver.storedDatabase(DatabaseState.MODIFYING, "db-n1-a");
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE, db);

        List<Step> steps = driver.drive(task.getProcessInstanceId(), step -> {
            if (step.handler().equals(HandlerNames.PLAN_DATABASE)) {
                return plan(Map.of(ProcessVariables.UPDATE_INSTANCES, "db-n1-a", ProcessVariables.NODES, "n1",
                        ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA,
                        ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA));
            }
            return step.handler().equals(HandlerNames.APPLY_PATRONI_CONFIG)
                    ? new EndOperation("max_connections = 5 is below superuser_reserved_connections") : DONE;
        });

        assertThat(steps.get(steps.size() - 1).processKey()).isEqualTo(ProcessKeys.UPDATE_INSTANCE);
        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("max_connections = 5 is below superuser_reserved_connections");
        assertThat(driver.store.record(db).orElseThrow().errorOrNull())
                .isEqualTo("max_connections = 5 is below superuser_reserved_connections");
    }

    @Test
    void aStepThatEndsTheOperationInRemoveInstanceEndsDeleteDatabaseWithItsMessage() {
        String db = driver.storedDatabase(DatabaseState.DELETING, "db-n1-a");
        Task task = driver.startDatabaseOperation(ProcessKeys.DELETE_DATABASE, ProcessVariables.DELETE, db);

        driver.drive(task.getProcessInstanceId(), step -> step.handler().equals(HandlerNames.PLAN_DATABASE)
                ? plan(Map.of(ProcessVariables.REMOVE_INSTANCES, "db-n1-a",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA))
                : step.handler().equals(HandlerNames.REMOVE_INSTANCE_DATA) ? new EndOperation("etcd refused: no space")
                : DONE);

        Task ended = driver.ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("etcd refused: no space");
    }

    @Test
    void cancelingTheCallerEndsTheInstanceProcessesItCalled() {
        String db = driver.storedDatabase(DatabaseState.MODIFYING, "db-n1-a");
        Task task = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE, db);
        driver.drive(task.getProcessInstanceId(), step -> step.handler().equals(HandlerNames.PLAN_DATABASE)
                ? plan(Map.of(ProcessVariables.UPDATE_INSTANCES, "db-n1-a", ProcessVariables.NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA, ProcessVariables.NODE_HOSTS,
                "n1=" + driver.hostA))
                : step.handler().equals(HandlerNames.WRITE_PATRONI_CONFIG) ? HOLD : DONE);
        // update-database → update-instance → configure-instance are running
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(task.getTaskId()).list())
                .extracting(p -> driver.server.bean(org.camunda.bpm.engine.RepositoryService.class)
                        .getProcessDefinition(p.getProcessDefinitionId()).getKey())
                .containsExactlyInAnyOrder(ProcessKeys.UPDATE_DATABASE, ProcessKeys.UPDATE_INSTANCE,
                        ProcessKeys.CONFIGURE_INSTANCE);

        assertThat(driver.runner.cancel(task.getTaskId())).isTrue();
        driver.drive(task.getProcessInstanceId(), step -> step.handler().equals(HandlerNames.PLAN_CANCEL_CLEANUP)
                ? ProcessDriver.cleanupPlan(Map.of()) : DONE);

        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(task.getTaskId()).count())
                .isZero();
    }

    /** An instance process started without a caller, with exactly the inputs its call activities map in. */
    private ProcessInstance startDirectly(String processKey) {
        String businessKey = UUID.randomUUID().toString();
        return driver.runtime.startProcessInstanceByKey(processKey, businessKey, Map.of(
                ProcessVariables.TASK_ID, businessKey,
                ProcessVariables.DATABASE_ID, driver.newDatabaseId(),
                ProcessVariables.INSTANCE_ID, "db-n1-a",
                ProcessVariables.INSTANCE_HOST, driver.hostA,
                ProcessVariables.REMOVED_NODES, ""));
    }
}
