package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Create replication slots for the new node": a permanent slot for it on every other node. */
@Component
class CreateSlotsForNewNodeDelegate extends NodeStep {

    private final NodeReplication replication;

    CreateSlotsForNewNodeDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.CREATE_SLOTS_FOR_NEW_NODE;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.createSlotsForNewNode(databaseId, node);
    }
}
