package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Start replication from the other nodes": enables the new node's subscriptions the copy prepared. */
@Component
class StartReplicationFromPeersDelegate extends NodeStep {

    private final NodeReplication replication;

    StartReplicationFromPeersDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.START_REPLICATION_FROM_PEERS;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.startFromPeers(databaseId, node);
    }
}
