package io.controlplane.engine;

import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns an operation into a task plus a process instance (business key = task id), atomically: if the
 * process cannot start, no task is left behind.
 */
@Service
public class OperationRunner {

    private final TaskService tasks;
    private final RuntimeService runtime;
    private final ExternalTaskService externalTasks;
    private final ManagementService management;
    private final IdentityService identity;
    private final IncidentTracker incidents;
    private final StepWorker worker;
    private final TransactionTemplate transaction;

    public OperationRunner(TaskService tasks, RuntimeService runtime, ExternalTaskService externalTasks,
                           ManagementService management, IdentityService identity, IncidentTracker incidents,
                           StepWorker worker, PlatformTransactionManager transactionManager) {
        this.tasks = tasks;
        this.runtime = runtime;
        this.externalTasks = externalTasks;
        this.management = management;
        this.identity = identity;
        this.incidents = incidents;
        this.worker = worker;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /**
     * Creates a pending task and starts the newest version of the process {@code processKey} for it.
     * Variables must be plain values (strings, numbers, booleans) and never secrets.
     */
    @Transactional
    public Task start(NewTask newTask, String processKey, Map<String, Object> variables) {
        return start(newTask, processKey, task -> variables);
    }

    /**
     * Like {@link #start(NewTask, String, Map)} for variables that need the new task, e.g. tasks of the
     * operations it will call, made with it as their parent in the same transaction.
     */
    @Transactional
    public Task start(NewTask newTask, String processKey, Function<Task, Map<String, Object>> variablesOf) {
        Task task = tasks.create(newTask);
        Map<String, Object> vars = new HashMap<>(variablesOf.apply(task));
        vars.put(ProcessVariables.TASK_ID, task.getTaskId());
        ProcessInstance instance = runtime.startProcessInstanceByKey(processKey, task.getTaskId(), vars);
        tasks.attachProcess(task.getTaskId(), processKey, instance.getId());
        wakeWorkerAfterCommit();
        return tasks.find(task.getTaskId()).orElseThrow();
    }

    /**
     * Cancels a pending or running task (or one waiting on an incident): marks it canceling, then either
     * correlates the cancel message to an operation that models its cleanup ({@link BpmnMessages#CANCEL_OPERATION})
     * or deletes its process instance; the end listener marks it canceled. A task that another operation called (a database update of a host
     * removal) cancels that operation with it. Returns false when the task had already ended. A step that finishes or
     * fails at the same moment makes the engine refuse the delete (or updates the task row under the cancel); the
     * whole cancel is then tried again.
     */
    public boolean cancel(String taskId) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Boolean.TRUE.equals(transaction.execute(status -> cancelOnce(taskId)));
            } catch (OptimisticLockingException | OptimisticLockingFailureException e) {
                // the engine's (a step ended meanwhile) or the task row's (a step updated the task meanwhile)
                if (attempt >= 5) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private boolean cancelOnce(String taskId) {
        Task task = tasks.find(taskId).orElseThrow();
        Optional<Task> caller = callerOf(task);
        if (caller.isPresent()) {
            // an operation that another one called (a database update of remove-host) is part of it: the
            // engine cannot end the called instance alone, so the caller is canceled with all it runs
            return tasks.markCanceling(taskId) && cancelOnce(caller.get().getTaskId());
        }
        if (!tasks.markCanceling(taskId)) {
            return false;
        }
        String pid = task.getProcessInstanceId();
        if (pid != null && modelsItsCancel(pid)) {
            // the operation's "Operation canceled" event sub-process stops it and undoes what it started;
            // its end listener marks the task canceled once the cleanup has finished
            runtime.createMessageCorrelation(BpmnMessages.CANCEL_OPERATION).processInstanceId(pid).correlate();
            wakeWorkerAfterCommit();
        } else if (pid != null && runtime.createProcessInstanceQuery().processInstanceId(pid).count() > 0) {
            runtime.deleteProcessInstance(pid, "canceled by user request");
        } else {
            tasks.markCanceled(taskId);
        }
        return true;
    }

    /** Whether the running instance waits for the cancel message (its model has the cancel path). */
    private boolean modelsItsCancel(String processInstanceId) {
        return runtime.createEventSubscriptionQuery().processInstanceId(processInstanceId).eventType("message")
                .eventName(BpmnMessages.CANCEL_OPERATION).count() > 0;
    }

    /**
     * Retries every failed step of a task waiting on an incident, as Cockpit's Retry does, and records
     * who asked: the steps get their retries back, the incidents are resolved and the task reads
     * running again. Returns the steps retried; empty when the task has no open incident.
     */
    public List<String> retry(String taskId, String requestedBy) {
        List<String> steps = transaction.execute(status -> retryOnce(taskId, requestedBy));
        if (!steps.isEmpty()) {
            worker.wake();
        }
        return steps;
    }

    private List<String> retryOnce(String taskId, String requestedBy) {
        Task task = tasks.find(taskId).orElseThrow();
        // a cancel's cleanup can wait on an incident too: a canceling task is retried like a running one
        if (task.getStatus().isTerminal() || task.getProcessInstanceId() == null) {
            return List.of();
        }
        List<IncidentTracker.OpenIncident> open = incidents.openIncidents(task.getProcessInstanceId());
        if (open.isEmpty()) {
            return List.of();
        }
        List<String> steps = new ArrayList<>();
        // the engine's user operation log (Cockpit's history) then names who retried, as for a Cockpit retry
        identity.setAuthenticatedUserId(requestedBy);
        try {
            for (IncidentTracker.OpenIncident incident : open) {
                if (Incident.EXTERNAL_TASK_HANDLER_TYPE.equals(incident.type())) {
                    ExternalTask step = externalTasks.createExternalTaskQuery()
                            .externalTaskId(incident.configuration()).singleResult();
                    Map<String, String> properties = step == null || step.getExtensionProperties() == null
                            ? Map.of() : step.getExtensionProperties();
                    externalTasks.setRetries(incident.configuration(), Math.max(1, RetryPolicy.from(properties).retries()));
                } else if (Incident.FAILED_JOB_HANDLER_TYPE.equals(incident.type())) {
                    management.setJobRetries(incident.configuration(), 1);
                } else {
                    throw new IllegalStateException("an incident of type " + incident.type() + " at "
                            + incident.stepName() + " cannot be retried: resolve it in Cockpit");
                }
                steps.add(incident.stepName());
            }
        } finally {
            identity.clearAuthentication();
        }
        String at = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        String message = String.join(", ", steps) + " retried by " + requestedBy + " at " + at + ": the task runs again";
        Map<String, Object> fields = Map.of("status", "running", "retried_by", requestedBy, "retried_at", at,
                "steps", steps);
        if (!tasks.resume(taskId, message, fields)) {
            tasks.log(taskId, message, fields);
        }
        return steps;
    }

    /** The task of the operation whose call activity runs this task's process instance, if any. */
    private Optional<Task> callerOf(Task task) {
        if (task.getParentId() == null || task.getProcessInstanceId() == null) {
            return Optional.empty();
        }
        ProcessInstance caller = runtime.createProcessInstanceQuery()
                .subProcessInstanceId(task.getProcessInstanceId()).singleResult();
        return caller == null ? Optional.empty() : tasks.find(task.getParentId())
                .filter(parent -> caller.getId().equals(parent.getProcessInstanceId()));
    }

    private void wakeWorkerAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    worker.wake();
                }
            });
        } else {
            worker.wake();
        }
    }
}
