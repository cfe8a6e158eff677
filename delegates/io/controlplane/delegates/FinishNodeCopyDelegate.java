package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Finish the node copy": DDL replication, replication sets and sequences on the copy. */
@Component
class FinishNodeCopyDelegate extends NodeStep {

    private final NodeReplication replication;

    FinishNodeCopyDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.FINISH_NODE_COPY;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.finishCopy(databaseId, node);
    }
}
