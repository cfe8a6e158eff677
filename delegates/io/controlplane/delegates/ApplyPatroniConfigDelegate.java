package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Patch Patroni config and reload or restart Postgres", so changed settings take effect. */
@Component
class ApplyPatroniConfigDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    ApplyPatroniConfigDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.APPLY_PATRONI_CONFIG;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return instances.applyPatroniConfig(databaseId, instanceId);
    }
}
