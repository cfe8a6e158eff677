package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Update Swarm service" {@code postgres-<instance_id>} when its spec changed (Swarm replaces the container). */
@Component
class UpdateSwarmServiceDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    UpdateSwarmServiceDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.UPDATE_SWARM_SERVICE;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return ServiceChanges.describe(instances.ensureService(databaseId, instanceId), instanceId);
    }
}
