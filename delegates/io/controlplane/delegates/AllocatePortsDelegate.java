package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Allocate ports": the instance's Postgres and Patroni ports on its host, kept across reruns. */
@Component
class AllocatePortsDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    AllocatePortsDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.ALLOCATE_PORTS;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        var spec = instances.allocatePorts(databaseId, instanceId);
        return "ports of " + instanceId + ": postgres " + spec.port() + ", patroni " + spec.patroniPort();
    }
}
