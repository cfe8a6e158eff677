package io.controlplane.delegates;

import io.controlplane.database.operation.InstancePower;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Stop Postgres service": scales the instance's service to zero and marks the instance stopped. */
@Component
class StopInstanceServiceDelegate extends InstanceStep {

    private final InstancePower instances;

    StopInstanceServiceDelegate(InstancePower instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.STOP_INSTANCE_SERVICE;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return instances.stop(databaseId, instanceId);
    }
}
