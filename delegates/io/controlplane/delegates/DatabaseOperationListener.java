package io.controlplane.delegates;

import io.controlplane.database.operation.DatabaseOutcome;
import io.controlplane.engine.ProcessVariables;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * End listener of the database processes: an operation that failed or was canceled leaves the
 * database {@code failed} (reference §5.6), with the error, so a new update can repair it. A normal
 * end does nothing here: the process's last step set the state. It reacts only to the end of the
 * process instance it is declared on (not to the end of a scope inside it); the instance processes
 * that a database process calls do not declare it.
 */
@Component("databaseOperationListener")
class DatabaseOperationListener implements ExecutionListener {

    private final DatabaseOutcome outcome;

    DatabaseOperationListener(DatabaseOutcome outcome) {
        this.outcome = outcome;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (!EVENTNAME_END.equals(execution.getEventName()) || execution.getParentId() != null) {
            return;
        }
        Object databaseId = execution.getVariable(ProcessVariables.DATABASE_ID);
        Object error = execution.getVariable(ProcessVariables.OPERATION_ERROR);
        // canceled: the instance was deleted, or its "Operation canceled" path ran to its end
        boolean canceled = execution.isCanceled()
                || Boolean.TRUE.equals(execution.getVariable(ProcessVariables.OPERATION_CANCELED));
        if (databaseId == null || (error == null && !canceled)) {
            return;
        }
        outcome.failed(databaseId.toString(), error != null ? error.toString() : canceledMessage(execution));
    }

    /** A canceled restore left its nodes stopped and half-restored: say what repairs them. */
    private static String canceledMessage(DelegateExecution execution) {
        Object nodeTasks = execution.getVariable(ProcessVariables.NODE_TASKS);
        if (nodeTasks == null) {
            return "the operation was canceled";
        }
        String nodes = String.join(", ", ProcessVariables.parsePairs(nodeTasks.toString()).keySet());
        return "the restore was canceled: node(s) " + nodes + " are stopped and must be restored again";
    }
}
