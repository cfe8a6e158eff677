package io.controlplane.database.operation;

import io.controlplane.engine.ProcessVariables;
import java.util.List;
import java.util.Map;

/**
 * The plan of one operation as process variables: short strings an ops engineer can read (and fix) in
 * Cockpit. Lists are comma-separated ids; routing maps are {@code key=host} pairs
 * ({@link ProcessVariables}). The BPMN reads them through the {@code operationPlan} expression bean.
 */
public record OperationPlan(
        List<String> createPrimaries,
        List<String> createReplicas,
        List<String> updateInstances,
        List<String> removeInstances,
        List<String> nodes,
        List<String> removedNodes,
        Map<String, String> instanceHosts,
        Map<String, String> nodeHosts) {

    /** The variables "Plan instances" sets: every name of {@link ProcessVariables#PLAN}. */
    public Map<String, Object> variables() {
        return Map.of(
                ProcessVariables.CREATE_PRIMARIES, ProcessVariables.list(createPrimaries),
                ProcessVariables.CREATE_REPLICAS, ProcessVariables.list(createReplicas),
                ProcessVariables.UPDATE_INSTANCES, ProcessVariables.list(updateInstances),
                ProcessVariables.REMOVE_INSTANCES, ProcessVariables.list(removeInstances),
                ProcessVariables.NODES, ProcessVariables.list(nodes),
                ProcessVariables.REMOVED_NODES, ProcessVariables.list(removedNodes),
                ProcessVariables.INSTANCE_HOSTS, ProcessVariables.pairs(instanceHosts),
                ProcessVariables.NODE_HOSTS, ProcessVariables.pairs(nodeHosts));
    }

    public String summary() {
        return "create " + createPrimaries.size() + " primary and " + createReplicas.size() + " replica instance(s), update "
                + updateInstances.size() + ", remove " + removeInstances.size();
    }
}
