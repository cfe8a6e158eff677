package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Create Swarm service" {@code postgres-<instance_id>} of a new instance (a rerun finds it). */
@Component
class CreateSwarmServiceDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    CreateSwarmServiceDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.CREATE_SWARM_SERVICE;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return ServiceChanges.describe(instances.ensureService(databaseId, instanceId), instanceId);
    }
}
