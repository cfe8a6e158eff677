package io.controlplane.delegates;

import io.controlplane.database.DatabaseStore;
import io.controlplane.engine.ProcessVariables;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * End listener of the HA operations (switchover, failover, restart, stop and start of an instance):
 * however the operation ended, it releases the node it held, so the next operation on that node may
 * start. The database's state is left alone: a failed switchover does not fail the database.
 */
@Component("nodeOperationListener")
class NodeOperationListener implements ExecutionListener {

    private final DatabaseStore store;

    NodeOperationListener(DatabaseStore store) {
        this.store = store;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (!EVENTNAME_END.equals(execution.getEventName()) || execution.getParentId() != null) {
            return;
        }
        Object databaseId = execution.getVariable(ProcessVariables.DATABASE_ID);
        Object node = execution.getVariable(ProcessVariables.NODE_NAME);
        if (databaseId != null && node != null && execution.getProcessBusinessKey() != null) {
            store.releaseNode(databaseId.toString(), node.toString(), execution.getProcessBusinessKey());
        }
    }
}
