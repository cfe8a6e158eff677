package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Create replication slots": on the node, a Patroni permanent slot for every other node of the mesh. */
@Component
class CreateReplicationSlotsDelegate extends NodeStep {

    private final NodeReplication replication;

    CreateReplicationSlotsDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.CREATE_REPLICATION_SLOTS;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.createSlots(databaseId, node, context.replicatedNodes());
    }
}
