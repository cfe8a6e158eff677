package io.controlplane.engine;

import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Backstop for tasks whose process ended without the end listener running (for example a Cockpit
 * cancel with "skip custom listeners"): ends the task from the process history.
 */
@Component
public class TaskReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(TaskReconciler.class);

    private final TaskService tasks;
    private final RuntimeService runtime;
    private final HistoryService history;

    public TaskReconciler(TaskService tasks, RuntimeService runtime, HistoryService history) {
        this.tasks = tasks;
        this.runtime = runtime;
        this.history = history;
    }

    @Scheduled(initialDelay = 10_000, fixedDelay = 10_000)
    @Transactional
    public void reconcile() {
        for (Task task : tasks.unfinished()) {
            String pid = task.getProcessInstanceId();
            if (pid == null || runtime.createProcessInstanceQuery().processInstanceId(pid).count() > 0) {
                continue;
            }
            HistoricProcessInstance hpi = history.createHistoricProcessInstanceQuery().processInstanceId(pid)
                    .singleResult();
            HistoricVariableInstance error = history.createHistoricVariableInstanceQuery().processInstanceId(pid)
                    .variableName(ProcessVariables.OPERATION_ERROR).singleResult();
            if (error != null && error.getValue() != null) {
                tasks.fail(task.getTaskId(), error.getValue().toString());
            } else if (hpi != null && HistoricProcessInstance.STATE_COMPLETED.equals(hpi.getState())) {
                tasks.complete(task.getTaskId());
            } else if (task.getStatus() == TaskStatus.CANCELING) {
                tasks.markCanceled(task.getTaskId());
            } else {
                String reason = hpi == null || hpi.getDeleteReason() == null ? "no reason recorded" : hpi.getDeleteReason();
                tasks.fail(task.getTaskId(), "the process instance ended without finishing the operation: " + reason);
            }
            LOG.info("task {} ended from the history of process instance {}", task.getTaskId(), pid);
        }
    }
}
