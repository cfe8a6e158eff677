package io.controlplane.processes;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.common.OperationFailedException;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.engine.BpmnErrors;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTaskQueryBuilder;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;

/**
 * Walks the real process models on the test server with fake steps, as the step workers of other
 * hosts would. Every driver has host ids of its own ({@code <prefix>-request}, {@code <prefix>-a} ...),
 * so the server's own step worker never takes these steps and tests never take each other's. A fake
 * step completes with variables, ends the operation with BPMN error {@code operation_failed} exactly
 * as {@link io.controlplane.engine.StepWorker} does, or runs the product's real handler. The real
 * listeners run: they end the tasks and (on failure) mark the database failed.
 */
final class ProcessDriver {

    static final String WORKER = "process-tests";

    final String requestHost;
    final String hostA;
    final String hostB;
    final String hostC;
    private final List<String> hosts;

    final TestServer server = TestServer.get();
    final ExternalTaskService externalTasks = server.bean(ExternalTaskService.class);
    final RuntimeService runtime = server.bean(RuntimeService.class);
    final HistoryService history = server.bean(HistoryService.class);
    final TaskService tasks = server.bean(TaskService.class);
    final DatabaseStore store = server.bean(DatabaseStore.class);
    final OperationRunner runner = server.bean(OperationRunner.class);
    private final List<String> storedDatabases = new ArrayList<>();

    private final List<String> handlers = new ArrayList<>(HandlerNames.ALL);

    ProcessDriver(String... extraHandlers) {
        handlers.addAll(List.of(extraHandlers));
        String prefix = "p" + UUID.randomUUID().toString().substring(0, 6);
        requestHost = prefix + "-request";
        hostA = prefix + "-a";
        hostB = prefix + "-b";
        hostC = prefix + "-c";
        hosts = List.of(requestHost, hostA, hostB, hostC);
        BpmnAwareTests.init(server.bean(ProcessEngine.class));
    }

    /** One step the driver worked: where it ran and what it was for. */
    record Step(String processKey, String activityId, String handler, String host, String target,
                String businessKey, Map<String, Object> variables) {

        /** The step without the process it belongs to, for order checks. */
        String at() {
            return activityId + "@" + host + (target == null ? "" : "(" + target + ")");
        }

        @Override
        public String toString() {
            return processKey + "/" + at();
        }
    }

    /** What a fake step does. */
    sealed interface Outcome {
    }

    record Complete(Map<String, Object> variables) implements Outcome {
    }

    record EndOperation(String error) implements Outcome {
    }

    /** Runs the product's handler for the step (it works on the test server's real etcd). */
    record RunRealHandler() implements Outcome {
    }

    /** Leaves the step locked and stops driving (to cancel while it "runs"). */
    record Hold() implements Outcome {
    }

    /** The step fails with no retries left: the engine opens an incident there; driving stops. */
    record RaiseIncident(String message) implements Outcome {
    }

    static final Outcome DONE = new Complete(Map.of());
    static final Outcome REAL = new RunRealHandler();
    static final Outcome HOLD = new Hold();

    // ---- starting operations

    Task startDatabaseOperation(String processKey, String operation, String databaseId) {
        return runner.start(NewTask.forDatabase(databaseId, operation), processKey,
                ProcessVariables.databaseOperation(databaseId, operation, requestHost, false, List.of()));
    }

    String newDatabaseId() {
        return "proc-db-" + UUID.randomUUID().toString().substring(0, 8);
    }

    ProcessInstance processInstance(Task task) {
        return BpmnAwareTests.processInstanceQuery().processInstanceId(task.getProcessInstanceId()).singleResult();
    }

    // ---- the fake worker

    /** Works steps until the process instance ends (or a step says {@link Hold}); returns them in order. */
    List<Step> drive(String processInstanceId, Function<Step, Outcome> fake) {
        List<Step> worked = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (runtime.createProcessInstanceQuery().processInstanceId(processInstanceId).count() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process did not end; worked so far: " + worked);
            }
            List<LockedExternalTask> locked = fetch();
            if (locked.isEmpty()) {
                sleep(); // async continuations of the multi-instance activities run on the job executor
                continue;
            }
            for (LockedExternalTask t : locked) {
                Step step = step(t);
                worked.add(step);
                Outcome outcome = fake.apply(step);
                if (outcome instanceof Hold) {
                    return worked;
                }
                if (outcome instanceof RaiseIncident r) {
                    externalTasks.handleFailure(t.getId(), WORKER, r.message(), null, 0, 0);
                    return worked;
                }
                work(t, outcome);
            }
        }
        return worked;
    }

    /** Fetches (and locks) the next steps on this driver's hosts. */
    List<LockedExternalTask> fetch() {
        ExternalTaskQueryBuilder builder = externalTasks.fetchAndLock(20, WORKER);
        for (String handler : handlers) {
            for (String host : hosts) {
                builder = builder.topic(handler + "@" + host, 60_000);
            }
        }
        return builder.execute();
    }

    private void work(LockedExternalTask t, Outcome outcome) {
        if (outcome instanceof Complete c) {
            externalTasks.complete(t.getId(), WORKER, c.variables());
        } else if (outcome instanceof EndOperation e) {
            endOperation(t, e.error());
        } else if (outcome instanceof RunRealHandler) {
            StepHandler handler = server.beansOf(StepHandler.class).stream()
                    .filter(h -> h.name().equals(handler(t))).findFirst().orElseThrow();
            try {
                Map<String, Object> output = handler.execute(new LockedTaskContext(t));
                externalTasks.complete(t.getId(), WORKER, output);
            } catch (OperationFailedException e) {
                endOperation(t, e.getMessage());
            }
        }
    }

    /** What {@link io.controlplane.engine.StepWorker} does with an {@link OperationFailedException}. */
    private void endOperation(LockedExternalTask t, String error) {
        externalTasks.handleBpmnError(t.getId(), WORKER, BpmnErrors.OPERATION_FAILED, error,
                Map.of(ProcessVariables.OPERATION_ERROR, error));
    }

    private Step step(LockedExternalTask t) {
        Map<String, Object> vars = t.getVariables();
        Object target = vars.containsKey(ProcessVariables.INSTANCE_ID) ? vars.get(ProcessVariables.INSTANCE_ID)
                : vars.containsKey(ProcessVariables.NODE_NAME) ? vars.get(ProcessVariables.NODE_NAME) : null;
        return new Step(t.getProcessDefinitionKey(), t.getActivityId(), handler(t),
                t.getTopicName().substring(t.getTopicName().lastIndexOf('@') + 1),
                target == null ? null : target.toString(), t.getBusinessKey(), Map.copyOf(withoutNulls(vars)));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> vars) {
        Map<String, Object> copy = new LinkedHashMap<>();
        vars.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    private static String handler(LockedExternalTask t) {
        return t.getTopicName().substring(0, t.getTopicName().lastIndexOf('@'));
    }

    /** The variables "Plan instances" outputs; lists not given are empty. */
    /** What a fake "Plan cleanup of canceled operation" returns: every plan variable and stopInstances. */
    static Outcome cleanupPlan(Map<String, String> given) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String name : ProcessVariables.PLAN) {
            vars.put(name, given.getOrDefault(name, ""));
        }
        vars.put(ProcessVariables.STOP_INSTANCES, given.getOrDefault(ProcessVariables.STOP_INSTANCES, ""));
        return new Complete(vars);
    }

    static Outcome plan(Map<String, String> given) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String name : ProcessVariables.PLAN) {
            vars.put(name, given.getOrDefault(name, ""));
        }
        return new Complete(vars);
    }

    // ---- checks

    Task ended(Task task) {
        return Poll.until(Duration.ofSeconds(10), () -> tasks.find(task.getTaskId()).orElseThrow(),
                t -> t.getStatus().isTerminal(), "task ended");
    }

    /** The process instances an instance called (ended ones too), oldest first. */
    List<HistoricProcessInstance> calledBy(String processInstanceId) {
        return history.createHistoricProcessInstanceQuery().superProcessInstanceId(processInstanceId)
                .orderByProcessInstanceStartTime().asc().list();
    }

    // ---- database records in the test server's etcd

    /** A database record (node n1 on host A) and instance records in state creating. */
    String storedDatabase(DatabaseState state, String... instanceIds) {
        String id = newDatabaseId();
        storeDatabase(id, state, List.of(Map.of("name", "n1", "host_ids", List.of(hostA))));
        Instant now = Instant.now();
        for (String iid : instanceIds) {
            store.putInstance(new InstanceRecord(iid, id, hostA, "n1", InstanceState.CREATING, 0, 0, now, now, null));
        }
        return id;
    }

    void storeDatabase(String id, DatabaseState state, List<Map<String, Object>> nodes) {
        DatabaseSpec spec = new SpecParser().parseSpec(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                Map.of("database_name", "app", "postgres_version", "17.6", "nodes", nodes))).value().orElseThrow();
        Instant now = Instant.now();
        assertThat(store.create(new DatabaseRecord(id, null, state, now, now, null), spec)).isTrue();
        storedDatabases.add(id);
    }

    void removeStoredDatabases() {
        storedDatabases.forEach(store::deleteDatabase);
    }

    static <T> List<T> only(List<T> all, java.util.function.Predicate<T> which) {
        return all.stream().filter(which).toList();
    }

    static Set<String> keysOf(List<Step> steps) {
        return new java.util.TreeSet<>(steps.stream().map(Step::processKey).toList());
    }

    static Optional<Step> first(List<Step> steps, String activityId) {
        return steps.stream().filter(s -> s.activityId().equals(activityId)).findFirst();
    }

    static int indexOf(List<Step> steps, java.util.function.Predicate<Step> which, boolean last) {
        int found = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (which.test(steps.get(i))) {
                found = i;
                if (!last) {
                    return i;
                }
            }
        }
        if (found < 0) {
            throw new AssertionError("no such step in " + steps);
        }
        return found;
    }

    static boolean isCompleted(Task task) {
        return task.getStatus() == TaskStatus.COMPLETED;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** A step context over a locked external task, for running a real handler outside the worker. */
    private final class LockedTaskContext implements StepContext {
        private final LockedExternalTask task;
        private final List<String> log = new ArrayList<>();

        LockedTaskContext(LockedExternalTask task) {
            this.task = task;
        }

        @Override
        public String taskId() {
            return task.getBusinessKey();
        }

        @Override
        public String processInstanceId() {
            return task.getProcessInstanceId();
        }

        @Override
        public String stepName() {
            return task.getActivityId();
        }

        @Override
        public String hostId() {
            return requestHost;
        }

        @Override
        public Optional<Object> variable(String name) {
            return Optional.ofNullable(task.getVariables().get(name));
        }

        @Override
        public String requireString(String name) {
            return variable(name).map(Object::toString)
                    .orElseThrow(() -> new AssertionError("variable " + name + " is not set for " + task.getActivityId()));
        }

        @Override
        public void log(String message) {
            log(message, Map.of());
        }

        @Override
        public void log(String message, Map<String, ?> fields) {
            tasks.logNow(task.getBusinessKey(), message, fields);
        }
    }
}
