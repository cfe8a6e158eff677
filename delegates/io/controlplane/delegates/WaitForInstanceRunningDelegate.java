package io.controlplane.delegates;

import io.controlplane.database.operation.InstancePower;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Wait for instance ready" after a start or restart; then the instance is available. */
@Component
class WaitForInstanceRunningDelegate extends InstanceStep {

    private final InstancePower instances;

    WaitForInstanceRunningDelegate(InstancePower instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.WAIT_FOR_INSTANCE_RUNNING;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return instances.waitRunning(databaseId, instanceId);
    }
}
