package io.controlplane.database.operation;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The plan of one operation as process variables: short strings an ops engineer can read (and fix) in
 * Cockpit. Lists are comma-separated ids; routing maps are {@code key=host} pairs. The BPMN reads them
 * through the {@code operationPlan} expression bean.
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

    public Map<String, Object> variables() {
        return Map.of(
                "createPrimaries", String.join(",", createPrimaries),
                "createReplicas", String.join(",", createReplicas),
                "updateInstances", String.join(",", updateInstances),
                "removeInstances", String.join(",", removeInstances),
                "nodes", String.join(",", nodes),
                "removedNodes", String.join(",", removedNodes),
                "instanceHosts", pairs(instanceHosts),
                "nodeHosts", pairs(nodeHosts));
    }

    public String summary() {
        return "create " + createPrimaries.size() + " primary and " + createReplicas.size() + " replica instance(s), update "
                + updateInstances.size() + ", remove " + removeInstances.size();
    }

    static String pairs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
