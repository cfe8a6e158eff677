package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Remove instance files, etcd user, ports, Patroni keys and records". */
@Component
class RemoveInstanceDataDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    RemoveInstanceDataDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.REMOVE_INSTANCE_DATA;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return instances.removeInstanceData(databaseId, instanceId, context.removedNodes());
    }
}
