package io.controlplane.delegates;

import io.controlplane.database.operation.NodeRestores;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * "Plan restore": for every restored node, the instance that bootstraps from the backup (its primary) and
 * the replicas rebuilt from it; their planned specs carry the restore.
 */
@Component
class PlanRestoreDelegate implements StepHandler {

    private final NodeRestores restores;

    PlanRestoreDelegate(NodeRestores restores) {
        this.restores = restores;
    }

    @Override
    public String name() {
        return HandlerNames.PLAN_RESTORE;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        List<String> nodes = new ArrayList<>(context.stringPairs(ProcessVariables.NODE_TASKS).keySet());
        NodeRestores.RestorePlan plan = restores.plan(context.databaseId(), context.taskId(), nodes);
        List<String> primaries = List.copyOf(plan.primaries().values());
        List<String> replicas = plan.instanceHosts().keySet().stream().filter(i -> !primaries.contains(i)).toList();
        context.log("restoring nodes " + String.join(", ", nodes) + ": " + String.join(", ", primaries)
                + " from the backup" + (replicas.isEmpty() ? "" : ", then replicas " + String.join(", ", replicas)));
        if (!plan.peerNodes().isEmpty()) {
            context.log("the restored nodes leave replication with " + String.join(", ", plan.peerNodes())
                    + " first and rejoin it after the restore, without copying data either way");
        }
        return Map.of(
                ProcessVariables.NODES, ProcessVariables.list(plan.nodes()),
                ProcessVariables.REPLICATED_NODES, ProcessVariables.list(plan.replicatedNodes()),
                ProcessVariables.PEER_NODES, ProcessVariables.list(plan.peerNodes()),
                ProcessVariables.RESTORE_PRIMARIES, ProcessVariables.list(primaries),
                ProcessVariables.RESTORE_REPLICAS, ProcessVariables.list(replicas),
                ProcessVariables.RESTORE_INSTANCES, ProcessVariables.list(plan.instanceHosts().keySet()),
                ProcessVariables.INSTANCE_HOSTS, ProcessVariables.pairs(plan.instanceHosts()),
                ProcessVariables.NODE_HOSTS, ProcessVariables.pairs(plan.nodeHosts()));
    }
}
