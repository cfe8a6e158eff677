package io.controlplane.delegates;

import io.controlplane.database.operation.HostRemovalUpdates;
import io.controlplane.engine.ProcessVariables;
import java.util.Objects;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * End listener of {@code remove-host}: when the removal fails or is canceled before it called the
 * update of every database, the update tasks that never started end with it (they were created
 * pending with the removal) and their databases do not stay {@code modifying}.
 */
@Component("hostRemovalListener")
class HostRemovalListener implements ExecutionListener {

    private final HostRemovalUpdates removal;

    HostRemovalListener(HostRemovalUpdates removal) {
        this.removal = removal;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (!EVENTNAME_END.equals(execution.getEventName()) || execution.getParentId() != null) {
            return;
        }
        Object error = execution.getVariable(ProcessVariables.OPERATION_ERROR);
        if (error == null && !execution.isCanceled()) {
            return;
        }
        removal.endUpdatesThatNeverStarted(
                ProcessVariables.parsePairs(Objects.toString(execution.getVariable(ProcessVariables.DATABASE_UPDATE_TASKS), "")),
                Objects.toString(execution.getVariable(ProcessVariables.HOST_ID), ""),
                execution.isCanceled(), error != null ? error.toString() : "the removal was canceled");
    }
}
