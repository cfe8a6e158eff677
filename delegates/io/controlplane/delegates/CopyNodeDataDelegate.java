package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Copy data from source node": a consistent copy of the source while every node takes writes. */
@Component
class CopyNodeDataDelegate extends NodeStep {

    private final NodeReplication replication;

    CopyNodeDataDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.COPY_NODE_DATA;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.copyData(databaseId, node);
    }
}
