package io.controlplane.delegates;

import io.controlplane.database.operation.DatabasePlanner;
import io.controlplane.database.operation.OperationPlan;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/** "Plan instances": what the operation creates, updates and removes, as readable process variables. */
@Component
class PlanDatabaseDelegate implements StepHandler {

    private final DatabasePlanner planner;

    PlanDatabaseDelegate(DatabasePlanner planner) {
        this.planner = planner;
    }

    @Override
    public String name() {
        return "planDatabase";
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String databaseId = context.requireString("databaseId");
        boolean delete = "delete".equals(context.variable("operation").map(Object::toString).orElse(""));
        boolean force = context.variable("forceUpdate").map(v -> Boolean.parseBoolean(v.toString())).orElse(false);
        Set<String> removeHosts = new LinkedHashSet<>(context.stringList("removeHosts"));
        OperationPlan plan = planner.plan(databaseId, context.requireString("requestHost"), delete, force, removeHosts);
        context.log("plan: " + plan.summary(), Map.of("create_primaries", plan.createPrimaries(),
                "create_replicas", plan.createReplicas(), "update", plan.updateInstances(),
                "remove", plan.removeInstances()));
        return plan.variables();
    }
}
