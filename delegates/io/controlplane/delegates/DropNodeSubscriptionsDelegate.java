package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Stop the removed node's subscriptions": on the node in {@code removedNode}, while it still runs. */
@Component
class DropNodeSubscriptionsDelegate implements StepHandler {

    private final NodeReplication replication;

    DropNodeSubscriptionsDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.DROP_NODE_SUBSCRIPTIONS;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String removed = context.removedNode();
        for (String line : replication.dropSubscriptionsOf(context.databaseId(), removed)) {
            context.log("node " + removed + ": " + line, Map.of("node_name", removed));
        }
        return Map.of();
    }
}
