package io.controlplane.engine;

import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Operations that ops engineers compose from our steps and mark with {@link CustomOperationModel}. A
 * start becomes a pgEdge task exactly like ours (log, cancel, retry), whether it comes from
 * {@code POST /v1/databases/{id}/operations/{process_key}} or from Tasklist or {@code /engine-rest}; in
 * both cases the database (or host) is checked and claimed through its {@link OperationGate}, so a
 * database runs one operation at a time.
 */
@Service
public class CustomOperations {

    private final RepositoryService repository;
    private final HistoryService history;
    private final OperationRunner runner;
    private final TaskService tasks;
    private final Map<TaskScope, OperationGate> gates = new LinkedHashMap<>();
    private final String hostId;

    public CustomOperations(RepositoryService repository, HistoryService history, OperationRunner runner,
                            TaskService tasks, List<OperationGate> gates, ControlPlaneConfig config) {
        this.repository = repository;
        this.history = history;
        this.runner = runner;
        this.tasks = tasks;
        gates.forEach(g -> this.gates.put(g.scope(), g));
        this.hostId = config.hostId();
    }

    /** The marked processes (their newest versions), by key. */
    public List<CustomOperationModel> list() {
        List<CustomOperationModel> out = new ArrayList<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion()
                .orderByProcessDefinitionKey().asc().list()) {
            model(definition).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Starts the newest version of {@code processKey} on a database or host: checks the marking and the
     * inputs, claims the entity, creates the task and starts the process (business key = task id).
     *
     * @throws OperationRefusedException with the reason when it may not start
     */
    public Task start(TaskScope scope, String entityId, String processKey, Map<String, Object> inputs) {
        CustomOperationModel model = require(processKey, scope);
        checkInputs(model, inputs, "variables."); // the field path in the request body
        OperationGate gate = gate(scope);
        Runnable undo = gate.claim(entityId, processKey);
        try {
            Map<String, Object> vars = new LinkedHashMap<>(inputs);
            vars.put(ProcessVariables.REQUEST_HOST, hostId);
            vars.put(ProcessVariables.OPERATION, processKey);
            vars.put(model.entityVariable(), entityId);
            return runner.start(newTask(model, entityId), processKey, vars);
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
    }

    /**
     * What a start from Tasklist or {@code /engine-rest} is missing, checked before the engine runs it
     * (the claim at the start decides): the entity variable, the inputs, the entity's state.
     *
     * @throws OperationRefusedException with the reason
     */
    public void checkEngineStart(String processKey, Map<String, Object> variables) {
        CustomOperationModel model = find(processKey).orElseThrow(() -> new OperationRefusedException(
                OperationRefusedException.Kind.INVALID, processKey + " is not an operation"));
        Object entity = variables.get(model.entityVariable());
        if (entity == null || entity.toString().isBlank()) {
            throw new OperationRefusedException(OperationRefusedException.Kind.INVALID, missingEntity(model));
        }
        Map<String, Object> inputs = new LinkedHashMap<>(variables);
        model.startVariables(model.scope(), List.of()).forEach(inputs::remove);
        inputs.keySet().removeIf(k -> !model.inputs().contains(k));
        checkInputs(model, inputs, "variables.");
        gate(model.scope()).check(entity.toString());
    }

    /**
     * A process instance of an operation started without a task (Tasklist, Cockpit, {@code /engine-rest}):
     * a marked operation becomes a task as if started through {@code /v1}; any other is refused with
     * the {@code /v1} endpoint to use. Runs in the start listener, inside the engine's transaction.
     */
    void adopt(DelegateExecution execution, String processKey) {
        Process process = execution.getBpmnModelInstance().getModelElementById(processKey);
        Optional<CustomOperationModel> marked = process == null ? Optional.empty() : CustomOperationModel.of(process);
        if (marked.isEmpty()) {
            throw new OperationRefusedException(OperationRefusedException.Kind.INVALID,
                    ProcessKeys.refusalOfEngineStart(processKey));
        }
        CustomOperationModel model = marked.get();
        if (!model.problems().isEmpty()) {
            throw new OperationRefusedException(OperationRefusedException.Kind.INVALID, processKey + ": "
                    + String.join("; ", model.problems()));
        }
        Object entity = execution.getVariable(model.entityVariable());
        if (entity == null || entity.toString().isBlank()) {
            throw new OperationRefusedException(OperationRefusedException.Kind.INVALID, missingEntity(model));
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        model.inputs().forEach(name -> inputs.put(name, execution.getVariable(name)));
        inputs.values().removeIf(v -> v == null);
        checkInputs(model, inputs, "variables.");
        Runnable undo = gate(model.scope()).claim(entity.toString(), processKey);
        undoOnRollback(undo);
        Task task = tasks.create(newTask(model, entity.toString()));
        execution.setProcessBusinessKey(task.getTaskId());
        execution.setVariable(ProcessVariables.TASK_ID, task.getTaskId());
        execution.setVariable(ProcessVariables.OPERATION, processKey);
        if (execution.getVariable(ProcessVariables.REQUEST_HOST) == null) {
            execution.setVariable(ProcessVariables.REQUEST_HOST, hostId);
        }
        tasks.attachProcess(task.getTaskId(), processKey, execution.getProcessInstanceId());
        logStarter(task.getTaskId(), execution.getProcessInstanceId());
    }

    /** Who started it is in the engine's history (the start user) once the start is committed. */
    private void logStarter(String taskId, String processInstanceId) {
        Runnable log = () -> {
            HistoricProcessInstance started = history.createHistoricProcessInstanceQuery()
                    .processInstanceId(processInstanceId).singleResult();
            String user = started == null || started.getStartUserId() == null ? "an unauthenticated caller"
                    : started.getStartUserId();
            tasks.logNow(taskId, "started from Cockpit, Tasklist or /engine-rest by " + user, Map.of("started_by", user));
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    log.run();
                }
            });
        }
    }

    /** A marked operation's process ended: the gate leaves its entity as the outcome says. */
    void ended(Task task, boolean completed, String error) {
        if (task.getProcessKey() == null) {
            return;
        }
        OperationGate gate = gates.get(task.getScope());
        if (gate != null && find(task.getProcessKey()).isPresent()) {
            gate.ended(task.getEntityId(), completed, error);
        }
    }

    /** The marking of the newest version of {@code processKey}, if it is marked. */
    public Optional<CustomOperationModel> find(String processKey) {
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(processKey)
                .latestVersion().singleResult();
        return definition == null ? Optional.empty() : model(definition);
    }

    private Optional<CustomOperationModel> model(ProcessDefinition definition) {
        Process process = repository.getBpmnModelInstance(definition.getId()).getModelElementById(definition.getKey());
        return process == null ? Optional.empty() : CustomOperationModel.of(process);
    }

    private CustomOperationModel require(String processKey, TaskScope scope) {
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(processKey)
                .latestVersion().singleResult();
        if (definition == null) {
            throw new OperationRefusedException(OperationRefusedException.Kind.NOT_FOUND,
                    "no process '" + processKey + "' is deployed");
        }
        CustomOperationModel model = model(definition).orElseThrow(() -> new OperationRefusedException(
                OperationRefusedException.Kind.INVALID, "process '" + processKey + "' is not marked as an operation"
                + " (extension property " + CustomOperationModel.OPERATION + " = database or host on the process)"));
        if (model.scope() != scope) {
            throw new OperationRefusedException(OperationRefusedException.Kind.INVALID, "'" + processKey
                    + "' is an operation on a " + (model.scope() == null ? "?" : model.scope().wire()) + ", not on a "
                    + scope.wire());
        }
        if (!model.problems().isEmpty()) {
            throw new OperationRefusedException(OperationRefusedException.Kind.INVALID, processKey + ": "
                    + String.join("; ", model.problems()));
        }
        return model;
    }

    private static void checkInputs(CustomOperationModel model, Map<String, Object> inputs, String prefix) {
        List<String> problems = new ArrayList<>();
        Set<String> allowed = new TreeSet<>(model.inputs());
        for (Map.Entry<String, Object> input : inputs.entrySet()) {
            Object v = input.getValue();
            if (!allowed.contains(input.getKey())) {
                problems.add(prefix + input.getKey() + ": not an input of " + model.processKey()
                        + (allowed.isEmpty() ? " (it takes none)" : " (inputs: " + String.join(", ", allowed) + ")"));
            } else if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                problems.add(prefix + input.getKey() + ": must be a string, number or boolean");
            }
        }
        for (String name : model.inputs()) {
            if (!inputs.containsKey(name)) {
                problems.add(prefix + name + ": required");
            }
        }
        if (!problems.isEmpty()) {
            throw new OperationRefusedException(OperationRefusedException.Kind.INVALID, String.join("\n", problems));
        }
    }

    private OperationGate gate(TaskScope scope) {
        OperationGate gate = gates.get(scope);
        if (gate == null) {
            throw new IllegalStateException("no operation gate for " + scope);
        }
        return gate;
    }

    private static NewTask newTask(CustomOperationModel model, String entityId) {
        return model.scope() == TaskScope.HOST ? NewTask.forHost(entityId, model.taskType())
                : NewTask.forDatabase(entityId, model.taskType());
    }

    private static String missingEntity(CustomOperationModel model) {
        return model.processKey() + " works on a " + model.scope().wire() + ": start it with the variable "
                + model.entityVariable() + ", or with POST /v1/" + model.scope().wire() + "s/{id}/operations/"
                + model.processKey();
    }

    /** The claim is in etcd, outside the engine's transaction: give it back if that transaction rolls back. */
    private static void undoOnRollback(Runnable undo) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    undo.run();
                }
            }
        });
    }
}
