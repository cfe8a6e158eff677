package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Copy roles from source node": the new node in {@code nodeName} gets the roles of the source the plan names. */
@Component
class CopyNodeRolesDelegate extends NodeStep {

    private final NodeReplication replication;

    CopyNodeRolesDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.COPY_NODE_ROLES;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.copyRoles(databaseId, node, context.nodeSource(node));
    }
}
