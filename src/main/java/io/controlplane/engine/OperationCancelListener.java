package io.controlplane.engine;

import io.controlplane.task.TaskService;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Start listener of the "Operation canceled" event sub-process
 * ({@code <camunda:executionListener event="start" delegateExpression="${operationCancelListener}"/>} on
 * its message start event): from here on the operation is being canceled, whoever correlated the
 * message ({@code GET .../tasks/{id}/cancel}, or {@code POST /engine-rest/message}). It sets
 * {@link ProcessVariables#OPERATION_CANCELED}, so the end listeners end the task {@code canceled} and
 * the database {@code failed} once the cleanup has run.
 */
@Component("operationCancelListener")
public class OperationCancelListener implements ExecutionListener {

    private final TaskService tasks;

    public OperationCancelListener(TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    public void notify(DelegateExecution execution) {
        execution.getProcessInstance().setVariable(ProcessVariables.OPERATION_CANCELED, true);
        String taskId = execution.getProcessBusinessKey();
        if (taskId != null && tasks.find(taskId).isPresent()) {
            tasks.markCanceling(taskId);
            tasks.log(taskId, "canceling: the operation stopped; cleaning up what it started",
                    Map.of("status", "canceling", "step", execution.getCurrentActivityId()));
        }
    }
}
