package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Write Patroni config and certificates" under the instance's directory on its host. */
@Component
class WritePatroniConfigDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    WritePatroniConfigDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.WRITE_PATRONI_CONFIG;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        boolean changed = instances.writePatroniConfig(databaseId, instanceId);
        return changed ? "wrote patroni.yaml of " + instanceId : "patroni.yaml of " + instanceId + " is up to date";
    }
}
