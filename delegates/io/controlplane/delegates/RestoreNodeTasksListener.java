package io.controlplane.delegates;

import io.controlplane.engine.ProcessVariables;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Start and end listener of restore-database: each {@code node_restore} task (reference §2.3) belongs to
 * the restore's process instance and ends as the restore ends (completed, failed with its error, or
 * canceled).
 */
@Component("restoreNodeTasksListener")
class RestoreNodeTasksListener implements ExecutionListener {

    private final TaskService tasks;

    RestoreNodeTasksListener(TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (execution.getParentId() != null) {
            return;
        }
        Object pairs = execution.getVariable(ProcessVariables.NODE_TASKS);
        if (pairs == null) {
            return;
        }
        Object error = execution.getVariable(ProcessVariables.OPERATION_ERROR);
        for (String taskId : ProcessVariables.parsePairs(pairs.toString()).values()) {
            Optional<Task> task = tasks.find(taskId);
            if (task.isEmpty()) {
                continue;
            }
            if (EVENTNAME_START.equals(execution.getEventName())) {
                if (task.get().getProcessInstanceId() == null) {
                    tasks.attachProcess(taskId, "restore-database", execution.getProcessInstanceId());
                }
                tasks.markRunning(taskId);
            } else if (EVENTNAME_END.equals(execution.getEventName())) {
                TaskStatus status = task.get().getStatus();
                if (status == TaskStatus.COMPLETED || status == TaskStatus.FAILED || status == TaskStatus.CANCELED) {
                    continue;
                }
                if (error != null) {
                    tasks.fail(taskId, "parent task failed: " + error);
                } else if (execution.isCanceled()
                        || Boolean.TRUE.equals(execution.getVariable(ProcessVariables.OPERATION_CANCELED))) {
                    tasks.markCanceled(taskId);
                } else {
                    tasks.complete(taskId);
                }
            }
        }
    }
}
