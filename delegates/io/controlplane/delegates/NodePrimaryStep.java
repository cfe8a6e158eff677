package io.controlplane.delegates;

import io.controlplane.common.PermanentException;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;

/**
 * A step of a leader change after "Choose new primary": {@code nodeName} says which node,
 * {@code candidateInstanceId} which instance becomes its primary. Subclasses only call the core service.
 */
abstract class NodePrimaryStep implements StepHandler {

    @Override
    public final Map<String, Object> execute(StepContext context) {
        String node = context.nodeName();
        String candidate = context.candidateInstanceId().orElseThrow(() -> new PermanentException(
                "no new primary was chosen for node " + node + " (variable candidateInstanceId is empty)"));
        context.log(run(context, context.databaseId(), node, candidate), Map.of("node_name", node,
                "instance_id", candidate));
        return Map.of();
    }

    /** @return a line for the task log */
    abstract String run(StepContext context, String databaseId, String nodeName, String candidate);
}
