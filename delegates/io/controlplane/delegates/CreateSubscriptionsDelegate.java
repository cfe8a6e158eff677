package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Create subscriptions": on the node, a subscription to every other node of the mesh. */
@Component
class CreateSubscriptionsDelegate extends NodeStep {

    private final NodeReplication replication;

    CreateSubscriptionsDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.CREATE_SUBSCRIPTIONS;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.createSubscriptions(databaseId, node, context.replicatedNodes());
    }
}
