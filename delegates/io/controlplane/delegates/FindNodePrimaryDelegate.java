package io.controlplane.delegates;

import io.controlplane.database.operation.NodeBackups;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import io.controlplane.resource.InstanceSpec;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Find node primary": the instance Patroni says is the node's primary, so the next steps run on its host. */
@Component
class FindNodePrimaryDelegate implements StepHandler {

    private final NodeBackups backups;

    FindNodePrimaryDelegate(NodeBackups backups) {
        this.backups = backups;
    }

    @Override
    public String name() {
        return HandlerNames.FIND_NODE_PRIMARY;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        InstanceSpec primary = backups.primary(context.databaseId(), context.nodeName());
        context.log("the primary of node " + context.nodeName() + " is " + primary.instanceId() + " on host "
                + primary.hostId(), Map.of("instance_id", primary.instanceId()));
        return Map.of(ProcessVariables.PRIMARY_INSTANCE, primary.instanceId(),
                ProcessVariables.PRIMARY_HOST, primary.hostId());
    }
}
