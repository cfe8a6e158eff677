package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Remove the node from a peer": on the node in {@code nodeName}, the subscription to and the slot for the removed node. */
@Component
class RemoveNodeFromPeerDelegate extends NodeStep {

    private final NodeReplication replication;

    RemoveNodeFromPeerDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.REMOVE_NODE_FROM_PEER;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.removeFromPeer(databaseId, context.removedNode(), node);
    }
}
