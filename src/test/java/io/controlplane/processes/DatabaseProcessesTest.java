package io.controlplane.processes;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.StepWorker;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTaskQueryBuilder;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real create-, update- and delete-database models, deployed by the test server, walked step by
 * step with fake steps. The processes run for hosts that are not the server's ({@code proc-*}), so
 * the server's own step worker never takes their steps; this test fetches them from the engine by
 * topic, as a worker on those hosts would, and completes them, ends the operation with the
 * {@code operation_failed} BPMN error, or fails them, exactly as {@link StepWorker} does. The real
 * listeners run: they end the task and (on failure) mark the database failed.
 */
class DatabaseProcessesTest {

    private static final String WORKER = "database-processes-test";
    private static final String REQUEST_HOST = "proc-host";
    private static final List<String> HOSTS = List.of(REQUEST_HOST, "proc-a", "proc-b", "proc-c");
    private static final List<String> HANDLERS = List.of("planDatabase", "allocatePorts", "createEtcdCredentials",
            "writePatroniConfig", "createSwarmService", "applyPatroniConfig", "waitForInstance",
            "createDatabaseObjects", "markDatabaseAvailable", "removeSwarmService", "removeInstanceData",
            "deleteDatabaseRecords");
    private static final List<String> CREATE_STEPS = List.of("allocatePorts", "createEtcdCredentials",
            "writePatroniConfig", "createSwarmService", "waitForInstance");
    private static final List<String> UPDATE_STEPS = List.of("allocatePorts", "createEtcdCredentials",
            "writePatroniConfig", "createSwarmService", "applyPatroniConfig", "waitForInstance");

    private static TestServer server;
    private static ExternalTaskService externalTasks;
    private static RuntimeService runtime;
    private static TaskService tasks;
    private static DatabaseStore store;
    private static final List<String> STORED = new ArrayList<>();

    /** One step the test worked: its element, its topic and the instance or node it was for. */
    record Step(String activityId, String handler, String host, String target) {
        @Override
        public String toString() {
            return activityId + "@" + host + "(" + target + ")";
        }
    }

    /** What a fake step does. */
    sealed interface Outcome {
    }

    record Complete(Map<String, Object> variables) implements Outcome {
    }

    record EndOperation(String error) implements Outcome {
    }

    static final Outcome DONE = new Complete(Map.of());

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        externalTasks = server.bean(ExternalTaskService.class);
        runtime = server.bean(RuntimeService.class);
        tasks = server.bean(TaskService.class);
        store = server.bean(DatabaseStore.class);
    }

    @AfterAll
    static void removeStoredDatabases() {
        STORED.forEach(store::deleteDatabase);
    }

    // ---- create-database

    @Test
    void createBringsUpPrimariesThenCreatesDatabaseObjectsThenReplicasThenMarksTheDatabaseAvailable() {
        Task task = start("create-database", "create");

        List<Step> steps = drive(task, step -> step.handler().equals("planDatabase") ? plan(Map.of(
                "createPrimaries", "db-n1-a,db-n2-b",
                "createReplicas", "db-n1-c",
                "nodes", "n1,n2",
                "instanceHosts", "db-n1-a=proc-a,db-n2-b=proc-b,db-n1-c=proc-c",
                "nodeHosts", "n1=proc-a,n2=proc-b")) : DONE);

        assertThat(steps.get(0)).isEqualTo(new Step("planDatabase", "planDatabase", REQUEST_HOST, null));
        assertThat(stepsOf(steps, "db-n1-a")).containsExactlyElementsOf(instanceSteps(CREATE_STEPS, "primary", "proc-a", "db-n1-a"));
        assertThat(stepsOf(steps, "db-n2-b")).containsExactlyElementsOf(instanceSteps(CREATE_STEPS, "primary", "proc-b", "db-n2-b"));
        assertThat(stepsOf(steps, "db-n1-c")).containsExactlyElementsOf(instanceSteps(CREATE_STEPS, "replica", "proc-c", "db-n1-c"));
        assertThat(stepsOf(steps, "n1")).containsExactly(new Step("createDatabaseObjects", "createDatabaseObjects", "proc-a", "n1"));
        assertThat(stepsOf(steps, "n2")).containsExactly(new Step("createDatabaseObjects", "createDatabaseObjects", "proc-b", "n2"));
        assertThat(last(steps)).isEqualTo(new Step("markDatabaseAvailable", "markDatabaseAvailable", REQUEST_HOST, null));
        assertThat(lastIndexOf(steps, "_primary")).isLessThan(firstIndexOf(steps, "createDatabaseObjects"));
        assertThat(lastIndexOf(steps, "createDatabaseObjects")).isLessThan(firstIndexOf(steps, "_replica"));
        assertThat(steps).hasSize(1 + 3 * CREATE_STEPS.size() + 2 + 1);
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void createWithoutReplicasSkipsTheReplicaSubprocess() {
        Task task = start("create-database", "create");

        List<Step> steps = drive(task, step -> step.handler().equals("planDatabase") ? plan(Map.of(
                "createPrimaries", "db-n1-a", "nodes", "n1",
                "instanceHosts", "db-n1-a=proc-a", "nodeHosts", "n1=proc-a")) : DONE);

        assertThat(steps).extracting(Step::activityId).doesNotContain(
                CREATE_STEPS.stream().map(s -> s + "_replica").toArray(String[]::new));
        assertThat(steps).extracting(Step::activityId).containsExactly("planDatabase", "allocatePorts_primary",
                "createEtcdCredentials_primary", "writePatroniConfig_primary", "createSwarmService_primary",
                "waitForInstance_primary", "createDatabaseObjects", "markDatabaseAvailable");
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void stepThatEndsTheOperationFailsTheTaskAndTheDatabaseAndStopsEveryOtherStep() {
        String db = storedDatabase(DatabaseState.CREATING, "db-n1-a", "db-n2-b");
        store.updateInstance(db, "db-n2-b", i -> i.withState(InstanceState.AVAILABLE, null, Instant.now()));
        Task task = start("create-database", "create", db);

        List<Step> steps = drive(task, step -> {
            if (step.handler().equals("planDatabase")) {
                return plan(Map.of("createPrimaries", "db-n1-a", "createReplicas", "db-n1-c", "nodes", "n1",
                        "instanceHosts", "db-n1-a=proc-a,db-n1-c=proc-c", "nodeHosts", "n1=proc-a"));
            }
            if (step.handler().equals("createSwarmService")) {
                return new EndOperation("image registry.local/pg:17 does not exist");
            }
            return DONE;
        });

        assertThat(last(steps).activityId()).isEqualTo("createSwarmService_primary");
        assertThat(steps).extracting(Step::activityId).doesNotContain("waitForInstance_primary",
                "createDatabaseObjects", "allocatePorts_replica", "markDatabaseAvailable");
        Task ended = ended(task);
        assertThat(ended.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.getError()).isEqualTo("image registry.local/pg:17 does not exist");
        DatabaseRecord record = store.record(db).orElseThrow();
        assertThat(record.state()).isEqualTo(DatabaseState.FAILED);
        assertThat(record.errorOrNull()).isEqualTo("image registry.local/pg:17 does not exist");
        assertThat(store.instance(db, "db-n1-a").orElseThrow().state()).isEqualTo(InstanceState.FAILED);
        assertThat(store.instance(db, "db-n1-a").orElseThrow().errorOrNull())
                .isEqualTo("image registry.local/pg:17 does not exist");
        // an instance that was not in progress keeps its state
        assertThat(store.instance(db, "db-n2-b").orElseThrow().state()).isEqualTo(InstanceState.AVAILABLE);
    }

    @Test
    void canceledCreateLeavesTheDatabaseFailed() {
        String db = storedDatabase(DatabaseState.CREATING);
        Task task = start("create-database", "create", db);
        Poll.until(Duration.ofSeconds(10), () -> fetch(task).isEmpty(), empty -> !empty, "the plan step");
        // the fetch above locked the plan step; cancel while it "runs"

        assertThat(server.bean(OperationRunner.class).cancel(task.getTaskId())).isTrue();

        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.CANCELED);
        DatabaseRecord record = store.record(db).orElseThrow();
        assertThat(record.state()).isEqualTo(DatabaseState.FAILED);
        assertThat(record.errorOrNull()).isEqualTo("the operation was canceled");
    }

    // ---- update-database

    @Test
    void updateRemovesThenUpdatesOneInstanceAtATimeThenCreatesThenMarksAvailable() {
        Task task = start("update-database", "update");

        List<Step> steps = drive(task, step -> step.handler().equals("planDatabase") ? plan(Map.of(
                "removeInstances", "db-n1-c",
                "updateInstances", "db-n1-b,db-n1-a",
                "createPrimaries", "db-n2-d",
                "nodes", "n1,n2",
                "instanceHosts", "db-n1-a=proc-a,db-n1-b=proc-b,db-n1-c=proc-c,db-n2-d=proc-c",
                "nodeHosts", "n1=proc-a,n2=proc-c")) : DONE);

        assertThat(stepsOf(steps, "db-n1-c")).containsExactly(
                new Step("removeSwarmService", "removeSwarmService", "proc-c", "db-n1-c"),
                new Step("removeInstanceData", "removeInstanceData", "proc-c", "db-n1-c"));
        List<Step> updates = steps.stream().filter(s -> s.activityId().endsWith("_update")).toList();
        List<Step> expected = new ArrayList<>(instanceSteps(UPDATE_STEPS, "update", "proc-b", "db-n1-b"));
        expected.addAll(instanceSteps(UPDATE_STEPS, "update", "proc-a", "db-n1-a"));
        assertThat(updates).as("sequential, in plan order").containsExactlyElementsOf(expected);
        assertThat(stepsOf(steps, "db-n2-d")).containsExactlyElementsOf(instanceSteps(CREATE_STEPS, "primary", "proc-c", "db-n2-d"));
        assertThat(lastIndexOf(steps, "removeInstanceData")).isLessThan(firstIndexOf(steps, "_update"));
        assertThat(lastIndexOf(steps, "_update")).isLessThan(firstIndexOf(steps, "_primary"));
        assertThat(lastIndexOf(steps, "_primary")).isLessThan(firstIndexOf(steps, "createDatabaseObjects"));
        assertThat(steps).extracting(Step::activityId).filteredOn("createDatabaseObjects"::equals).hasSize(2);
        assertThat(last(steps).activityId()).isEqualTo("markDatabaseAvailable");
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void updateWithNothingToDoGoesFromPlanToCreateDatabaseObjectsAndAvailable() {
        Task task = start("update-database", "update");

        List<Step> steps = drive(task, step -> step.handler().equals("planDatabase")
                ? plan(Map.of("nodes", "n1", "instanceHosts", "db-n1-a=proc-a", "nodeHosts", "n1=proc-a")) : DONE);

        assertThat(steps).extracting(Step::activityId)
                .containsExactly("planDatabase", "createDatabaseObjects", "markDatabaseAvailable");
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void failedRollingUpdateStopsBeforeTheNextInstance() {
        String db = storedDatabase(DatabaseState.MODIFYING, "db-n1-a", "db-n1-b");
        store.updateInstance(db, "db-n1-b", i -> i.withState(InstanceState.MODIFYING, null, Instant.now()));
        Task task = start("update-database", "update", db);

        List<Step> steps = drive(task, step -> {
            if (step.handler().equals("planDatabase")) {
                return plan(Map.of("updateInstances", "db-n1-b,db-n1-a", "nodes", "n1",
                        "instanceHosts", "db-n1-a=proc-a,db-n1-b=proc-b", "nodeHosts", "n1=proc-a"));
            }
            return step.handler().equals("waitForInstance") ? new EndOperation("Patroni on db-n1-b never got ready") : DONE;
        });

        assertThat(stepsOf(steps, "db-n1-a")).isEmpty();
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(store.instance(db, "db-n1-b").orElseThrow().state()).isEqualTo(InstanceState.FAILED);
    }

    // ---- delete-database

    @Test
    void deleteRemovesEveryInstanceThenTheDatabaseRecords() {
        Task task = start("delete-database", "delete");

        List<Step> steps = drive(task, step -> step.handler().equals("planDatabase") ? plan(Map.of(
                "removeInstances", "db-n1-a,db-n1-b", "removedNodes", "n1",
                "instanceHosts", "db-n1-a=proc-a,db-n1-b=proc-b")) : DONE);

        assertThat(stepsOf(steps, "db-n1-a")).containsExactly(
                new Step("removeSwarmService", "removeSwarmService", "proc-a", "db-n1-a"),
                new Step("removeInstanceData", "removeInstanceData", "proc-a", "db-n1-a"));
        assertThat(stepsOf(steps, "db-n1-b")).containsExactly(
                new Step("removeSwarmService", "removeSwarmService", "proc-b", "db-n1-b"),
                new Step("removeInstanceData", "removeInstanceData", "proc-b", "db-n1-b"));
        assertThat(last(steps)).isEqualTo(new Step("deleteDatabaseRecords", "deleteDatabaseRecords", REQUEST_HOST, null));
        assertThat(steps).hasSize(1 + 4 + 1);
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void deleteOfADatabaseWithoutInstancesOnlyDeletesItsRecords() {
        Task task = start("delete-database", "delete");

        List<Step> steps = drive(task, step -> step.handler().equals("planDatabase") ? plan(Map.of()) : DONE);

        assertThat(steps).extracting(Step::activityId).containsExactly("planDatabase", "deleteDatabaseRecords");
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void failedDeleteLeavesTheDatabaseFailedAndItsRecordsInPlace() {
        String db = storedDatabase(DatabaseState.DELETING, "db-n1-a");
        store.updateInstance(db, "db-n1-a", i -> i.withState(InstanceState.DELETING, null, Instant.now()));
        Task task = start("delete-database", "delete", db);

        List<Step> steps = drive(task, step -> {
            if (step.handler().equals("planDatabase")) {
                return plan(Map.of("removeInstances", "db-n1-a", "instanceHosts", "db-n1-a=proc-a"));
            }
            return step.handler().equals("removeSwarmService") ? new EndOperation("docker is not running") : DONE;
        });

        assertThat(steps).extracting(Step::activityId).doesNotContain("removeInstanceData", "deleteDatabaseRecords");
        assertThat(ended(task).getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.FAILED);
        assertThat(store.record(db).orElseThrow().errorOrNull()).isEqualTo("docker is not running");
        assertThat(store.instance(db, "db-n1-a").orElseThrow().state()).isEqualTo(InstanceState.FAILED);
    }

    // ---- the fake worker

    private static Task start(String process, String operation) {
        return start(process, operation, "proc-db-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static Task start(String process, String operation, String databaseId) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("databaseId", databaseId);
        vars.put("operation", operation);
        vars.put("requestHost", REQUEST_HOST);
        vars.put("forceUpdate", false);
        vars.put("removeHosts", "");
        return server.bean(OperationRunner.class).start(NewTask.forDatabase(databaseId, operation), process, vars);
    }

    /** The variables "Plan instances" outputs; lists not given are empty. */
    private static Outcome plan(Map<String, String> given) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String name : List.of("createPrimaries", "createReplicas", "updateInstances", "removeInstances", "nodes",
                "removedNodes", "instanceHosts", "nodeHosts")) {
            vars.put(name, given.getOrDefault(name, ""));
        }
        return new Complete(vars);
    }

    /** Works the process's steps until it ends; returns them in the order they were worked. */
    private static List<Step> drive(Task task, Function<Step, Outcome> fake) {
        List<Step> worked = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (runtime.createProcessInstanceQuery().processInstanceId(task.getProcessInstanceId()).count() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process did not end; worked so far: " + worked);
            }
            List<LockedExternalTask> locked = fetch(task);
            if (locked.isEmpty()) {
                sleep(); // async continuations of the multi-instance activities run on the job executor
                continue;
            }
            for (LockedExternalTask t : locked) {
                Step step = step(t);
                worked.add(step);
                Outcome outcome = fake.apply(step);
                if (outcome instanceof Complete c) {
                    externalTasks.complete(t.getId(), WORKER, c.variables());
                } else if (outcome instanceof EndOperation e) {
                    externalTasks.handleBpmnError(t.getId(), WORKER, StepWorker.OPERATION_FAILED, e.error(),
                            Map.of(StepWorker.OPERATION_ERROR, e.error()));
                }
            }
        }
        return worked;
    }

    private static List<LockedExternalTask> fetch(Task task) {
        ExternalTaskQueryBuilder builder = externalTasks.fetchAndLock(20, WORKER);
        for (String handler : HANDLERS) {
            for (String host : HOSTS) {
                builder = builder.topic(handler + "@" + host, 60_000).businessKey(task.getTaskId());
            }
        }
        return builder.execute();
    }

    private static Step step(LockedExternalTask t) {
        String[] topic = t.getTopicName().split("@", 2);
        Object target = t.getVariables().containsKey("instanceId") ? t.getVariables().get("instanceId")
                : t.getVariables().get("nodeName");
        return new Step(t.getActivityId(), topic[0], topic[1], target == null ? null : target.toString());
    }

    private static List<Step> instanceSteps(List<String> handlers, String suffix, String host, String instanceId) {
        return handlers.stream().map(h -> new Step(h + "_" + suffix, h, host, instanceId)).toList();
    }

    private static List<Step> stepsOf(List<Step> steps, String target) {
        return steps.stream().filter(s -> target.equals(s.target())).toList();
    }

    private static int firstIndexOf(List<Step> steps, String activityPart) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).activityId().contains(activityPart)) {
                return i;
            }
        }
        throw new AssertionError("no step " + activityPart + " in " + steps);
    }

    private static int lastIndexOf(List<Step> steps, String activityPart) {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).activityId().contains(activityPart)) {
                return i;
            }
        }
        throw new AssertionError("no step " + activityPart + " in " + steps);
    }

    private static Step last(List<Step> steps) {
        return steps.get(steps.size() - 1);
    }

    private static Task ended(Task task) {
        return Poll.until(Duration.ofSeconds(10), () -> tasks.find(task.getTaskId()).orElseThrow(),
                t -> t.getStatus() != TaskStatus.PENDING && t.getStatus() != TaskStatus.RUNNING
                        && t.getStatus() != TaskStatus.CANCELING, "task ended");
    }

    /** A database record with instance records in state creating, written straight into the store. */
    private static String storedDatabase(DatabaseState state, String... instanceIds) {
        String id = "proc-db-" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseSpec spec = new SpecParser().parseSpec(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                Map.of("database_name", "app", "postgres_version", "17.6",
                        "nodes", List.of(Map.of("name", "n1", "host_ids", List.of("proc-a")))))).value().orElseThrow();
        Instant now = Instant.now();
        assertThat(store.create(new DatabaseRecord(id, null, state, now, now, null), spec)).isTrue();
        for (String iid : instanceIds) {
            store.putInstance(new InstanceRecord(iid, id, "proc-a", "n1", InstanceState.CREATING, 0, 0, now, now, null));
        }
        STORED.add(id);
        return id;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
