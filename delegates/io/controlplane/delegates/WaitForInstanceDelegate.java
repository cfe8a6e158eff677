package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Wait for instance ready": primary writable or replica streaming; then the instance is available. */
@Component
class WaitForInstanceDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    WaitForInstanceDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.WAIT_FOR_INSTANCE;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return instances.waitReady(databaseId, instanceId);
    }
}
