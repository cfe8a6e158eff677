package io.controlplane.delegates;

import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;

/**
 * A step of the instance processes (create-, update-, remove-instance and configure-instance):
 * {@code instanceId} says which instance, {@code databaseId} which database. Subclasses only call the
 * core service.
 */
abstract class InstanceStep implements StepHandler {

    @Override
    public final Map<String, Object> execute(StepContext context) {
        String databaseId = context.databaseId();
        String instanceId = context.instanceId();
        String outcome = run(context, databaseId, instanceId);
        if (outcome != null && !outcome.isEmpty()) {
            context.log(outcome, Map.of("instance_id", instanceId));
        }
        return Map.of();
    }

    /** @return a line for the task log, or empty */
    abstract String run(StepContext context, String databaseId, String instanceId);
}
