package io.controlplane.engine;

import io.controlplane.task.TaskService;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Task listener for a user task that an ops engineer adds to an operation (an approval, a manual check):
 * {@code <camunda:taskListener event="create" delegateExpression="${userTaskLogListener}"/>} and the same
 * for {@code complete}. The operation's task log then says that it waits for a person, where to complete
 * the user task, and who completed it; a client polling the task sees why it does not move on.
 */
@Component("userTaskLogListener")
public class UserTaskLogListener implements TaskListener {

    private final TaskService tasks;

    public UserTaskLogListener(TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    public void notify(DelegateTask userTask) {
        String taskId = userTask.getExecution().getProcessBusinessKey();
        if (taskId == null || tasks.find(taskId).isEmpty()) {
            return;
        }
        String name = userTask.getName() == null ? userTask.getTaskDefinitionKey() : userTask.getName();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("step", userTask.getTaskDefinitionKey());
        fields.put("user_task_id", userTask.getId());
        if (EVENTNAME_CREATE.equals(userTask.getEventName())) {
            tasks.markRunning(taskId); // a user task first: the operation is under way, waiting for a person
            tasks.log(taskId, "waiting for a person: " + name + " (complete it in Tasklist, or POST"
                    + " /engine-rest/task/" + userTask.getId() + "/complete)", fields);
        } else if (EVENTNAME_COMPLETE.equals(userTask.getEventName())) {
            HistoryService history = userTask.getProcessEngineServices().getHistoryService();
            String userTaskId = userTask.getId();
            afterCommit(() -> {
                // the engine's user operation log names who completed it (Tasklist, /engine-rest), once committed
                String by = history.createUserOperationLogQuery().taskId(userTaskId)
                        .operationType(UserOperationLogEntry.OPERATION_TYPE_COMPLETE).list().stream()
                        .map(UserOperationLogEntry::getUserId).filter(u -> u != null && !u.isBlank()).findFirst()
                        .orElse(null);
                fields.put("completed_by", by == null ? "" : by);
                tasks.logNow(taskId, name + " completed" + (by == null ? " (who completed it is not recorded)"
                        : " by " + by), fields);
            });
        }
    }

    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
