package io.controlplane.engine;

import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
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
    private final StepWorker worker;
    private final TransactionTemplate transaction;

    public OperationRunner(TaskService tasks, RuntimeService runtime, StepWorker worker,
                           PlatformTransactionManager transactionManager) {
        this.tasks = tasks;
        this.runtime = runtime;
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
     * Cancels a pending or running task: marks it canceling and deletes its process instance, whose end
     * listener marks it canceled. A task that another operation called (a database update of a host
     * removal) cancels that operation with it. Returns false when the task had already ended. A step that finishes or
     * fails at the same moment makes the engine refuse the delete; the whole cancel is then tried again.
     */
    public boolean cancel(String taskId) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Boolean.TRUE.equals(transaction.execute(status -> cancelOnce(taskId)));
            } catch (OptimisticLockingException e) {
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
        if (task.getProcessInstanceId() != null
                && runtime.createProcessInstanceQuery().processInstanceId(task.getProcessInstanceId()).count() > 0) {
            runtime.deleteProcessInstance(task.getProcessInstanceId(), "canceled by user request");
        } else {
            tasks.markCanceled(taskId);
        }
        return true;
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
