package io.controlplane.database.operation;

import io.controlplane.common.OperationFailedException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceStatus;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.resource.InstanceSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Service;

/**
 * "Order the rolling update" of an image change: the replicas first, then a switchover of each node
 * whose primary changes to one of its (updated) replicas, then the old primaries, so that a node is
 * unavailable for writes only during its switchover. A node with a single instance has nothing to switch
 * over to: its primary is updated in place.
 */
@Service
public class RollingUpdateOrder {

    private final DatabaseStore store;

    public RollingUpdateOrder(DatabaseStore store) {
        this.store = store;
    }

    /** The order, with a line for the task log. */
    public record Order(List<String> replicas, List<String> primaries, List<String> switchoverNodes,
                        List<String> inPlace) {

        public Map<String, Object> variables() {
            return Map.of(ProcessVariables.UPGRADE_REPLICAS, ProcessVariables.list(replicas),
                    ProcessVariables.UPGRADE_PRIMARIES, ProcessVariables.list(primaries),
                    ProcessVariables.SWITCHOVER_NODES, ProcessVariables.list(switchoverNodes));
        }

        public String summary() {
            return "update replicas " + show(replicas) + ", switch over nodes " + show(switchoverNodes)
                    + ", then update the old primaries " + show(primaries)
                    + (inPlace.isEmpty() ? "" : "; nodes with a single instance are updated in place: "
                    + String.join(", ", inPlace));
        }

        private static String show(List<String> ids) {
            return ids.isEmpty() ? "(none)" : String.join(", ", ids);
        }
    }

    /**
     * @param updates the instances "Plan instances" updates; an image change creates and removes nothing,
     *                so a plan that does fails the operation (the database needs an update first)
     */
    public Order order(String databaseId, List<String> updates, List<String> creates, List<String> removes) {
        if (!creates.isEmpty() || !removes.isEmpty()) {
            throw new OperationFailedException("the database's instances do not match its spec (the plan creates "
                    + creates + " and removes " + removes + "); update the database before changing its image");
        }
        Map<String, InstanceSpec> specs = store.instanceSpecs(databaseId);
        Map<String, InstanceStatus> statuses = store.statuses(databaseId);
        Map<String, List<String>> byNode = new TreeMap<>();
        specs.values().forEach(s -> byNode.computeIfAbsent(s.nodeName(), n -> new ArrayList<>()).add(s.instanceId()));
        Set<String> primaries = new LinkedHashSet<>();
        List<String> switchover = new ArrayList<>();
        List<String> inPlace = new ArrayList<>();
        for (Map.Entry<String, List<String>> node : byNode.entrySet()) {
            String primary = node.getValue().stream()
                    .filter(id -> statuses.containsKey(id) && "primary".equals(statuses.get(id).roleOrNull()))
                    .findFirst().orElse(null);
            if (primary == null || !updates.contains(primary)) {
                continue;
            }
            primaries.add(primary);
            if (node.getValue().size() > 1) {
                switchover.add(node.getKey());
            } else {
                inPlace.add(node.getKey());
            }
        }
        List<String> replicas = updates.stream().filter(id -> !primaries.contains(id)).toList();
        return new Order(replicas, updates.stream().filter(primaries::contains).toList(), switchover, inPlace);
    }
}
