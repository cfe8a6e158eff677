package io.controlplane.delegates;

import io.controlplane.database.operation.DatabasePlanner;
import io.controlplane.database.operation.OperationPlan;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * "Plan cleanup of canceled operation": which instances the canceled operation had started (those it
 * planned to create, and any whose create never finished), as the plan variables that "Remove instance"
 * reads ({@code removeInstances}, {@code instanceHosts}, {@code removedNodes}).
 */
@Component
class PlanCancelCleanupDelegate implements StepHandler {

    private final DatabasePlanner planner;

    PlanCancelCleanupDelegate(DatabasePlanner planner) {
        this.planner = planner;
    }

    @Override
    public String name() {
        return HandlerNames.PLAN_CANCEL_CLEANUP;
    }

    @Override
    public Set<String> outputs() {
        Set<String> outputs = new java.util.TreeSet<>(ProcessVariables.PLAN);
        outputs.add(ProcessVariables.STOP_INSTANCES);
        return outputs;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        List<String> created = new ArrayList<>(context.stringList(ProcessVariables.CREATE_PRIMARIES));
        created.addAll(context.stringList(ProcessVariables.CREATE_REPLICAS));
        // a canceled restore: its instances stop, so none keeps running half-restored; they are not removed
        List<String> restoring = context.stringList(ProcessVariables.RESTORE_INSTANCES);
        OperationPlan plan = planner.planCancelCleanup(context.databaseId(), context.requestHost(), created, restoring);
        List<String> stopped = restoring.stream().filter(plan.instanceHosts()::containsKey).toList();
        if (!stopped.isEmpty()) {
            context.log("cleanup: stop the instances being restored " + String.join(", ", stopped)
                    + "; their nodes must be restored again", Map.of("stop", stopped));
        }
        context.log(plan.removeInstances().isEmpty() ? "nothing to remove: the operation had created no instance"
                : "cleanup: remove " + String.join(", ", plan.removeInstances())
                + (plan.removedNodes().isEmpty() ? "" : "; take " + String.join(", ", plan.removedNodes())
                + " out of the replication mesh first"), Map.of("remove", plan.removeInstances(), "removed_nodes",
                plan.removedNodes()));
        Map<String, Object> vars = new java.util.LinkedHashMap<>(plan.variables());
        vars.put(ProcessVariables.STOP_INSTANCES, ProcessVariables.list(stopped));
        return vars;
    }
}
