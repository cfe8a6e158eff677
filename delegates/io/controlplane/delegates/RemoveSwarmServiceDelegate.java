package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Remove Swarm service" of an instance, waiting until its container is gone. */
@Component
class RemoveSwarmServiceDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    RemoveSwarmServiceDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.REMOVE_SWARM_SERVICE;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        boolean removed = instances.removeService(databaseId, instanceId);
        return removed ? "removed service postgres-" + instanceId : "service postgres-" + instanceId + " was already gone";
    }
}
