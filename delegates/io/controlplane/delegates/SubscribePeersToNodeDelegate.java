package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Subscribe the other nodes to the new node": slots on it and a subscription on every other node. */
@Component
class SubscribePeersToNodeDelegate extends NodeStep {

    private final NodeReplication replication;

    SubscribePeersToNodeDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.SUBSCRIBE_PEERS_TO_NODE;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.joinPeers(databaseId, node);
    }
}
