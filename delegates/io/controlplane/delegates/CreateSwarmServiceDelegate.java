package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Create Swarm service" {@code postgres-<instance_id>}, or update it when its spec changed. */
@Component
class CreateSwarmServiceDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    CreateSwarmServiceDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }
    @Override
    public String name() {
        return "createSwarmService";
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        var change = instances.createService(databaseId, instanceId);
        return switch (change) {
            case CREATED -> "created service postgres-" + instanceId;
            case UPDATED -> "updated service postgres-" + instanceId + " (its container is replaced)";
            case UNCHANGED -> "service postgres-" + instanceId + " is up to date";
        };
    }
}
