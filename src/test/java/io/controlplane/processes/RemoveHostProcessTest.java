package io.controlplane.processes;

import static io.controlplane.processes.ProcessDriver.DONE;
import static io.controlplane.processes.ProcessDriver.HOLD;
import static io.controlplane.processes.ProcessDriver.REAL;
import static io.controlplane.processes.ProcessDriver.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.controlplane.database.DatabaseState;
import io.controlplane.database.operation.HostRemoval;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.processes.ProcessDriver.EndOperation;
import io.controlplane.processes.ProcessDriver.Outcome;
import io.controlplane.processes.ProcessDriver.Step;
import io.controlplane.task.Task;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real remove-host model started the way the API starts it ({@link HostRemoval#start}): its own
 * steps run the product's handlers against the test server's etcd, the database updates it calls
 * run with fake instance steps. Each update is a task of its database (parent = the removal) whose
 * process is the called update-database instance.
 */
class RemoveHostProcessTest {

    private static final Set<String> REAL_HANDLERS = Set.of(HandlerNames.REMOVE_HOST_FROM_SPECS,
            HandlerNames.CHECK_DATABASE_UPDATES, HandlerNames.REMOVE_ETCD_MEMBER, HandlerNames.REMOVE_HOST_ETCD_USER,
            HandlerNames.REMOVE_HOST_RECORD, HandlerNames.MARK_DATABASE_AVAILABLE);

    private final ProcessDriver driver = new ProcessDriver();
    private final HostRemoval hostRemoval = driver.server.bean(HostRemoval.class);

    @AfterEach
    void removeStoredDatabases() {
        driver.removeStoredDatabases();
    }

    @Test
    void takesTheHostOutOfEveryDatabaseUpdatesEachAsATaskOfItsOwnThenRemovesTheHost() {
        String db1 = driver.newDatabaseId();
        driver.storeDatabase(db1, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostA, driver.hostC)));
        String db2 = driver.newDatabaseId();
        driver.storeDatabase(db2, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostB), node("n2", driver.hostC)));

        HostRemoval.Started removal = hostRemoval.start(driver.hostC, true, driver.requestHost);
        ProcessInstance instance = driver.processInstance(removal.task());

        assertThat(removal.databaseUpdates()).extracting(Task::getDatabaseId).containsExactlyInAnyOrder(db1, db2);
        assertThat(removal.databaseUpdates()).allSatisfy(update -> {
            assertThat(update.getParentId()).isEqualTo(removal.task().getTaskId());
            assertThat(update.getScope()).isEqualTo(TaskScope.DATABASE);
            assertThat(update.getType()).isEqualTo("update");
            assertThat(update.getStatus()).isEqualTo(TaskStatus.PENDING);
        });

        List<Step> steps = driver.drive(removal.task().getProcessInstanceId(), this::removeTheLostInstance);

        assertThat(instance).isEnded().hasPassedInOrder("removeHostFromSpecs", "updateDatabases",
                "checkDatabaseUpdates", "removeEtcdMember", "removeHostEtcdUser", "removeHostRecord", "end");
        assertThat(driver.ended(removal.task()).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        // each database's update ran as its own task, in the update-database instance the removal called
        List<HistoricProcessInstance> called = driver.calledBy(removal.task().getProcessInstanceId());
        assertThat(called).extracting(HistoricProcessInstance::getProcessDefinitionKey)
                .containsOnly(ProcessKeys.UPDATE_DATABASE).hasSize(2);
        for (Task update : removal.databaseUpdates()) {
            Task ended = driver.ended(update);
            assertThat(ended.getStatus()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(ended.getProcessKey()).isEqualTo(ProcessKeys.UPDATE_DATABASE);
            assertThat(called).anyMatch(p -> p.getId().equals(ended.getProcessInstanceId())
                    && p.getBusinessKey().equals(update.getTaskId()));
            assertThat(steps).anyMatch(s -> s.handler().equals(HandlerNames.REMOVE_INSTANCE_DATA)
                    && s.businessKey().equals(update.getTaskId()) && s.host().equals(driver.requestHost));
        }
        // the update-database calls got what an update of a removed host needs
        assertThat(steps).filteredOn(s -> s.handler().equals(HandlerNames.PLAN_DATABASE)).allSatisfy(s -> assertThat(
                s.variables()).containsEntry(ProcessVariables.REMOVE_HOSTS, driver.hostC)
                .containsEntry(ProcessVariables.OPERATION, ProcessVariables.UPDATE)
                .containsEntry(ProcessVariables.REQUEST_HOST, driver.requestHost)
                .containsEntry(ProcessVariables.FORCE_UPDATE, false));
        assertThat(hostsOf(db1)).containsExactly(List.of(driver.hostA));
        assertThat(hostsOf(db2)).containsExactly(List.of(driver.hostB));
        assertThat(driver.store.record(db1).orElseThrow().state()).isEqualTo(DatabaseState.AVAILABLE);
        assertThat(driver.tasks.logOf(removal.task(), java.util.Optional.empty(), 0).entries())
                .extracting(io.controlplane.task.TaskLogEntry::getMessage).contains("removing host from database '" + db1 + "'",
                        "successfully removing host from database '" + db2 + "'",
                        "successfully removed host '" + driver.hostC + "'");
    }

    @Test
    void removingAHostNoDatabaseUsesSkipsTheDatabaseUpdates() {
        HostRemoval.Started removal = hostRemoval.start(driver.hostC, true, driver.requestHost);
        ProcessInstance instance = driver.processInstance(removal.task());

        List<Step> steps = driver.drive(removal.task().getProcessInstanceId(), step -> REAL);

        assertThat(removal.databaseUpdates()).isEmpty();
        assertThat(steps).extracting(Step::handler).containsExactly(HandlerNames.REMOVE_HOST_FROM_SPECS,
                HandlerNames.CHECK_DATABASE_UPDATES, HandlerNames.REMOVE_ETCD_MEMBER, HandlerNames.REMOVE_HOST_ETCD_USER,
                HandlerNames.REMOVE_HOST_RECORD);
        assertThat(instance).isEnded().hasNotPassed("updateDatabases");
        assertThat(driver.ended(removal.task()).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aFailedDatabaseUpdateFailsTheRemovalBeforeTheHostLeavesEtcd() {
        String db1 = driver.newDatabaseId();
        driver.storeDatabase(db1, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostA, driver.hostC)));
        String db2 = driver.newDatabaseId();
        driver.storeDatabase(db2, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostB, driver.hostC)));
        HostRemoval.Started removal = hostRemoval.start(driver.hostC, true, driver.requestHost);
        ProcessInstance instance = driver.processInstance(removal.task());
        Task failing = removal.databaseUpdates().stream().filter(t -> t.getDatabaseId().equals(db2)).findFirst()
                .orElseThrow();

        List<Step> steps = driver.drive(removal.task().getProcessInstanceId(), step ->
                step.handler().equals(HandlerNames.REMOVE_SWARM_SERVICE) && step.businessKey().equals(failing.getTaskId())
                        ? new EndOperation("docker is not running") : removeTheLostInstance(step));

        // the other database's update is not stopped by it
        Task other = driver.ended(removal.databaseUpdates().stream().filter(t -> t != failing).findFirst().orElseThrow());
        assertThat(other.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(driver.ended(failing).getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(driver.ended(failing).getError()).isEqualTo("docker is not running");
        assertThat(driver.store.record(db2).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        Task ended = driver.ended(removal.task());
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("failed to update database '" + db2 + "': failed (docker is not running)");
        assertThat(instance).isEnded().hasPassed("checkDatabaseUpdates", "operationEndedFailed")
                .hasNotPassed("removeEtcdMember", "removeHostRecord");
        assertThat(steps).extracting(Step::handler).doesNotContain(HandlerNames.REMOVE_ETCD_MEMBER);
    }

    @Test
    void aRemovalThatFailsBeforeItsUpdatesStartedEndsTheirTasksAndLeavesNoDatabaseModifying() {
        // the step works on the databases in id order: db1 first
        String db1 = driver.newDatabaseId() + "-1";
        driver.storeDatabase(db1, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostA, driver.hostC)));
        String db2 = db1.substring(0, db1.length() - 1) + "2";
        driver.storeDatabase(db2, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostB, driver.hostC)));
        HostRemoval.Started removal = hostRemoval.start(driver.hostC, true, driver.requestHost);
        // the second database is deleted before the removal takes the host out of its spec
        driver.store.deleteDatabase(db2);

        driver.drive(removal.task().getProcessInstanceId(), step -> REAL);

        Task ended = driver.ended(removal.task());
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).contains("database " + db2 + " no longer exists");
        for (Task update : removal.databaseUpdates()) {
            Task updateEnded = driver.ended(update);
            assertThat(updateEnded.getStatus()).isEqualTo(TaskStatus.FAILED);
            assertThat(updateEnded.getError()).startsWith("the host removal ended before this update started");
        }
        // the first database had been taken off the host and marked modifying: it does not stay so
        assertThat(hostsOf(db1)).containsExactly(List.of(driver.hostA));
        assertThat(driver.store.record(db1).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
    }

    @Test
    void cancelingTheRemovalCancelsTheDatabaseUpdatesItCalled() {
        String db1 = driver.newDatabaseId();
        driver.storeDatabase(db1, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostA, driver.hostC)));
        HostRemoval.Started removal = hostRemoval.start(driver.hostC, true, driver.requestHost);
        driver.drive(removal.task().getProcessInstanceId(), step -> step.handler().equals(HandlerNames.PLAN_DATABASE)
                ? HOLD : REAL);
        Task update = removal.databaseUpdates().get(0);
        assertThat(driver.tasks.find(update.getTaskId()).orElseThrow().getProcessInstanceId()).isNotNull();

        assertThat(driver.runner.cancel(removal.task().getTaskId())).isTrue();

        assertThat(driver.ended(removal.task()).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.ended(update).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.store.record(db1).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(driver.store.record(db1).orElseThrow().errorOrNull()).isEqualTo("the operation was canceled");
    }

    @Test
    void cancelingOneOfItsDatabaseUpdatesCancelsTheRemovalBeforeTheHostLeavesEtcd() {
        String db1 = driver.newDatabaseId();
        driver.storeDatabase(db1, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostA, driver.hostC)));
        String db2 = driver.newDatabaseId();
        driver.storeDatabase(db2, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostB, driver.hostC)));
        HostRemoval.Started removal = hostRemoval.start(driver.hostC, true, driver.requestHost);
        ProcessInstance instance = driver.processInstance(removal.task());
        driver.drive(removal.task().getProcessInstanceId(), step -> step.handler().equals(HandlerNames.PLAN_DATABASE)
                ? HOLD : REAL);
        Task canceled = removal.databaseUpdates().get(0);

        assertThat(driver.runner.cancel(canceled.getTaskId())).isTrue();

        assertThat(driver.ended(removal.task()).getStatus()).isEqualTo(TaskStatus.CANCELED);
        for (Task update : removal.databaseUpdates()) {
            assertThat(driver.ended(update).getStatus()).isEqualTo(TaskStatus.CANCELED);
            assertThat(driver.store.record(update.getDatabaseId()).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        }
        assertThat(instance).isEnded().hasNotPassed("checkDatabaseUpdates", "removeEtcdMember");
        assertThat(driver.runtime.createProcessInstanceQuery().processInstanceBusinessKey(canceled.getTaskId()).count())
                .isZero();
    }

    @Test
    void cancelingTheRemovalBeforeItsUpdatesStartedCancelsTheirTasks() {
        String db1 = driver.newDatabaseId();
        driver.storeDatabase(db1, DatabaseState.AVAILABLE, List.of(node("n1", driver.hostA, driver.hostC)));
        HostRemoval.Started removal = hostRemoval.start(driver.hostC, true, driver.requestHost);
        driver.drive(removal.task().getProcessInstanceId(), step -> HOLD);

        assertThat(driver.runner.cancel(removal.task().getTaskId())).isTrue();

        assertThat(driver.ended(removal.task()).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(driver.ended(removal.databaseUpdates().get(0)).getStatus()).isEqualTo(TaskStatus.CANCELED);
        // the spec was not touched yet: the database keeps its state
        assertThat(driver.store.record(db1).orElseThrow().state()).isEqualTo(DatabaseState.AVAILABLE);
    }

    /** The update of a database plans the removal of its instance on the lost host, worked on the request host. */
    private Outcome removeTheLostInstance(Step step) {
        if (step.handler().equals(HandlerNames.PLAN_DATABASE)) {
            String lost = step.variables().get(ProcessVariables.DATABASE_ID) + "-n1-lost";
            return plan(Map.of(ProcessVariables.REMOVE_INSTANCES, lost,
                    ProcessVariables.INSTANCE_HOSTS, lost + "=" + driver.requestHost));
        }
        return REAL_HANDLERS.contains(step.handler()) ? REAL : DONE;
    }

    private List<List<String>> hostsOf(String databaseId) {
        return driver.store.spec(databaseId).orElseThrow().nodes().stream().map(DatabaseNodeSpec::hostIds).toList();
    }

    private static Map<String, Object> node(String name, String... hosts) {
        return Map.of("name", name, "host_ids", List.of(hosts));
    }
}
