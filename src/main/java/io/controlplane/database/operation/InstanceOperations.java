package io.controlplane.database.operation;

import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.resource.InstanceSpec;
import org.springframework.stereotype.Service;

/**
 * Steps that ops engineers compose into operations of their own: run a statement on a node's primary.
 * Each works on what exists (applied instance specs) and reports what it did in one line for the task log.
 */
@Service
public class InstanceOperations {

    private final DatabaseStore store;
    private final InstanceConfigs configs;

    public InstanceOperations(DatabaseStore store, InstanceConfigs configs) {
        this.store = store;
        this.configs = configs;
    }

    /** "Run SQL on node": one statement on the node's primary, in the application database. */
    public String runOnNode(String databaseId, String nodeName, String statement) {
        if (statement == null || statement.isBlank()) {
            throw new PermanentException("the step has no SQL: give it the input parameter 'sql'");
        }
        DatabaseSpec spec = store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
        InstanceSpec primary = configs.nodePrimary(databaseId, nodeName)
                .orElseThrow(() -> new TransientException("node " + nodeName + " has no primary right now"));
        configs.postgres(primary).runStatement(spec.databaseName(), statement.trim());
        return "ran '" + statement.trim() + "' on " + primary.instanceId() + " (node " + nodeName + ")";
    }
}
