package io.controlplane.engine;

import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Ties a task to its process instance. Every operation process declares it on its process element
 * for {@code start} and {@code end}:
 * {@code <camunda:executionListener event="end" delegateExpression="${operationListener}"/>}.
 *
 * <p>At start it attaches a task that has no process yet: an operation called by another one (each
 * database update of remove-host is a task created with the removal and called with that task as its
 * business key). At the end it ends the task, in the same transaction. Called instance processes
 * share their caller's business key but are not the task's own instance; they are ignored.
 */
@Component("operationListener")
public class OperationListener implements ExecutionListener {

    private final TaskService tasks;
    private final ObjectProvider<CustomOperations> customOperations;

    public OperationListener(TaskService tasks, ObjectProvider<CustomOperations> customOperations) {
        this.tasks = tasks;
        this.customOperations = customOperations;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (execution.getParentId() != null) {
            return; // declared on the process: only the process instance's own start and end count
        }
        String taskId = execution.getProcessBusinessKey();
        Optional<Task> task = taskId == null ? Optional.empty() : tasks.find(taskId);
        if (EVENTNAME_START.equals(execution.getEventName())) {
            String processKey = execution.getProcessEngineServices().getRepositoryService()
                    .getProcessDefinition(execution.getProcessDefinitionId()).getKey();
            if (task.isEmpty()) {
                // started from Cockpit, Tasklist or /engine-rest: an ops engineer's operation becomes a task,
                // one of ours is refused (its /v1 call validates and records what it works on)
                customOperations.getObject().adopt(execution, processKey);
            } else if (task.get().getProcessInstanceId() == null) {
                tasks.attachProcess(taskId, processKey, execution.getProcessInstanceId());
            }
            return;
        }
        if (task.isEmpty() || !EVENTNAME_END.equals(execution.getEventName())
                || !execution.getProcessInstanceId().equals(task.get().getProcessInstanceId())) {
            return;
        }
        Object error = execution.getVariable(ProcessVariables.OPERATION_ERROR);
        boolean canceled = Boolean.TRUE.equals(execution.getVariable(ProcessVariables.OPERATION_CANCELED));
        if (error != null) {
            tasks.fail(taskId, error.toString());
        } else if (canceled) {
            // the "Operation canceled" path ran to its end: what the operation started is cleaned up
            tasks.markCanceling(taskId);
            tasks.markCanceled(taskId);
        } else if (execution.isCanceled()) {
            if (task.get().getStatus() == TaskStatus.CANCELING || parentIsCanceling(task.get())) {
                tasks.markCanceled(taskId);
            } else {
                tasks.fail(taskId, "the process instance was deleted (canceled in Cockpit or over /engine-rest)");
            }
        } else {
            tasks.complete(taskId);
        }
        Task ended = tasks.find(taskId).orElseThrow();
        customOperations.getObject().ended(ended, ended.getStatus() == TaskStatus.COMPLETED,
                ended.getError() != null ? ended.getError() : "the operation was " + ended.getStatus().wire());
    }

    /** A canceled operation takes the operations it called with it (remove-host's database updates). */
    private boolean parentIsCanceling(Task task) {
        return task.getParentId() != null
                && tasks.find(task.getParentId()).map(p -> p.getStatus() == TaskStatus.CANCELING).orElse(false);
    }
}
