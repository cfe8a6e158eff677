package io.controlplane.delegates;

import io.controlplane.database.operation.DatabasePlanner;
import io.controlplane.database.operation.OperationPlan;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
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
        return HandlerNames.PLAN_DATABASE;
    }

    @Override
    public Set<String> outputs() {
        return Set.copyOf(ProcessVariables.PLAN);
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        OperationPlan plan = planner.plan(context.databaseId(), context.requestHost(), context.isDelete(),
                context.forceUpdate(), new LinkedHashSet<>(context.removeHosts()));
        context.log("plan: " + plan.summary(), Map.of("create_primaries", plan.createPrimaries(),
                "create_replicas", plan.createReplicas(), "update", plan.updateInstances(),
                "remove", plan.removeInstances()));
        return plan.variables();
    }
}
