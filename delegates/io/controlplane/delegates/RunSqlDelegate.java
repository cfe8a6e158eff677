package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceOperations;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * "Run SQL on node": the statement in the step's input parameter {@code sql}, once, on the primary of
 * the node in {@code nodeName}, in the application database (outside a transaction block, so
 * {@code VACUUM} works). A failing statement ends the operation with Postgres' error.
 */
@Component
class RunSqlDelegate implements StepHandler {

    private final InstanceOperations instances;

    RunSqlDelegate(InstanceOperations instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.RUN_SQL;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String sql = context.variable(ProcessVariables.SQL).map(Object::toString).orElse("");
        String done = instances.runOnNode(context.databaseId(), context.nodeName(), sql);
        context.log(done, Map.of("node_name", context.nodeName()));
        return Map.of();
    }
}
