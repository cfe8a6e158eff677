package io.controlplane.delegates;

import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.List;
import java.util.Map;

/**
 * A replication step on one node ({@code nodeName}) of a database ({@code databaseId}): the element
 * variable of a multi-instance activity over nodes, or the node a replication process works on. Each line
 * the core service returns goes to the task log.
 */
abstract class NodeStep implements StepHandler {

    @Override
    public final Map<String, Object> execute(StepContext context) {
        String node = context.nodeName();
        for (String line : run(context, context.databaseId(), node)) {
            context.log("node " + node + ": " + line, Map.of("node_name", node));
        }
        return Map.of();
    }

    abstract List<String> run(StepContext context, String databaseId, String node);
}
