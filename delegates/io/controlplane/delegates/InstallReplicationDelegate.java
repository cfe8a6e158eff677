package io.controlplane.delegates;

import io.controlplane.database.operation.NodeReplication;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Install replication on node": replication node, DDL replication, tables in their replication sets. */
@Component
class InstallReplicationDelegate extends NodeStep {

    private final NodeReplication replication;

    InstallReplicationDelegate(NodeReplication replication) {
        this.replication = replication;
    }

    @Override
    public String name() {
        return HandlerNames.INSTALL_REPLICATION;
    }

    @Override
    List<String> run(StepContext context, String databaseId, String node) {
        return replication.install(databaseId, node);
    }
}
