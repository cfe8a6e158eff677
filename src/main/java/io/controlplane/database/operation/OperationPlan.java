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
        Map<String, String> nodeHosts,
        List<String> syncNodes,
        Map<String, String> nodeSources,
        List<String> replicatedNodes) {

    /** The variables "Plan instances" sets: every name of {@link ProcessVariables#PLAN}. */
    public Map<String, Object> variables() {
        Map<String, Object> vars = new java.util.LinkedHashMap<>();
        vars.put(ProcessVariables.CREATE_PRIMARIES, ProcessVariables.list(createPrimaries));
        vars.put(ProcessVariables.CREATE_REPLICAS, ProcessVariables.list(createReplicas));
        vars.put(ProcessVariables.UPDATE_INSTANCES, ProcessVariables.list(updateInstances));
        vars.put(ProcessVariables.REMOVE_INSTANCES, ProcessVariables.list(removeInstances));
        vars.put(ProcessVariables.NODES, ProcessVariables.list(nodes));
        vars.put(ProcessVariables.REMOVED_NODES, ProcessVariables.list(removedNodes));
        vars.put(ProcessVariables.INSTANCE_HOSTS, ProcessVariables.pairs(instanceHosts));
        vars.put(ProcessVariables.NODE_HOSTS, ProcessVariables.pairs(nodeHosts));
        vars.put(ProcessVariables.SYNC_NODES, ProcessVariables.list(syncNodes));
        vars.put(ProcessVariables.NODE_SOURCES, ProcessVariables.pairs(nodeSources));
        vars.put(ProcessVariables.REPLICATED_NODES, ProcessVariables.list(replicatedNodes));
        return vars;
    }

    public String summary() {
        return "create " + createPrimaries.size() + " primary and " + createReplicas.size() + " replica instance(s), update "
                + updateInstances.size() + ", remove " + removeInstances.size()
                + (nodeSources.isEmpty() ? "" : "; copy " + ProcessVariables.pairs(nodeSources).replace("=", " from "));
    }
}
