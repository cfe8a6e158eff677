package io.controlplane.delegates;

import io.controlplane.database.operation.InstancePower;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/**
 * "Restart Postgres with Patroni" inside the running container. With {@code requestedAt} (or {@code scheduledAt})
 * a rerun after the restart does not restart again; a process without either restarts on every run.
 */
@Component
class RestartPostgresDelegate extends InstanceStep {

    private final InstancePower instances;

    RestartPostgresDelegate(InstancePower instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.RESTART_POSTGRES;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return instances.restart(databaseId, instanceId, context.scheduledAt().or(context::requestedAt));
    }
}
