package io.controlplane.delegates;

import io.controlplane.database.operation.InstancePower;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Start Postgres service": scales the instance's service back to one. */
@Component
class StartInstanceServiceDelegate extends InstanceStep {

    private final InstancePower instances;

    StartInstanceServiceDelegate(InstancePower instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.START_INSTANCE_SERVICE;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return instances.start(databaseId, instanceId);
    }
}
