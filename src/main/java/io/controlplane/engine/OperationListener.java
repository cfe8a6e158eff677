package io.controlplane.engine;

import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
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

    public OperationListener(TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    public void notify(DelegateExecution execution) {
        String taskId = execution.getProcessBusinessKey();
        Optional<Task> task = taskId == null ? Optional.empty() : tasks.find(taskId);
        if (task.isEmpty()) {
            return;
        }
        if (EVENTNAME_START.equals(execution.getEventName())) {
            if (task.get().getProcessInstanceId() == null) {
                String processKey = execution.getProcessEngineServices().getRepositoryService()
                        .getProcessDefinition(execution.getProcessDefinitionId()).getKey();
                tasks.attachProcess(taskId, processKey, execution.getProcessInstanceId());
            }
            return;
        }
        if (!EVENTNAME_END.equals(execution.getEventName())
                || !execution.getProcessInstanceId().equals(task.get().getProcessInstanceId())) {
            return;
        }
        Object error = execution.getVariable(ProcessVariables.OPERATION_ERROR);
        if (error != null) {
            tasks.fail(taskId, error.toString());
        } else if (execution.isCanceled()) {
            if (task.get().getStatus() == TaskStatus.CANCELING || parentIsCanceling(task.get())) {
                tasks.markCanceled(taskId);
            } else {
                tasks.fail(taskId, "the process instance was deleted (canceled in Cockpit or over /engine-rest)");
            }
        } else {
            tasks.complete(taskId);
        }
    }

    /** A canceled operation takes the operations it called with it (remove-host's database updates). */
    private boolean parentIsCanceling(Task task) {
        return task.getParentId() != null
                && tasks.find(task.getParentId()).map(p -> p.getStatus() == TaskStatus.CANCELING).orElse(false);
    }
}
