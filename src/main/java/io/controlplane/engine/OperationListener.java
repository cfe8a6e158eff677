package io.controlplane.engine;

import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Ends the task when its process instance ends, in the same transaction. Every operation process
 * declares it on its process element: {@code <camunda:executionListener event="end"
 * delegateExpression="${operationListener}"/>}.
 */
@Component("operationListener")
public class OperationListener implements ExecutionListener {

    private final TaskService tasks;

    public OperationListener(TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (!EVENTNAME_END.equals(execution.getEventName())) {
            return;
        }
        String taskId = execution.getProcessBusinessKey();
        Optional<Task> task = taskId == null ? Optional.empty() : tasks.find(taskId);
        // a called sub-process shares the business key but is not the task's own instance
        if (task.isEmpty() || !execution.getProcessInstanceId().equals(task.get().getProcessInstanceId())) {
            return;
        }
        Object error = execution.getVariable(StepWorker.OPERATION_ERROR);
        if (error != null) {
            tasks.fail(taskId, error.toString());
        } else if (execution.isCanceled()) {
            if (task.get().getStatus() == TaskStatus.CANCELING) {
                tasks.markCanceled(taskId);
            } else {
                tasks.fail(taskId, "the process instance was deleted (canceled in Cockpit or over /engine-rest)");
            }
        } else {
            tasks.complete(taskId);
        }
    }
}
