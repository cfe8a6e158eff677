package io.controlplane.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes of an operation start as a copy of another node, and from which (pure). A node gets a copy
 * when it has no data yet (its Patroni cluster is bootstrapped by this operation, or an earlier copy never
 * finished) and some node has data to give: its {@code source_node} when that node is not a copy itself,
 * else the first node of the spec that already holds data (pgEdge's default). A node that has no data and
 * nothing to copy from (every node of a create without {@code source_node}) starts empty and runs the
 * scripts.
 *
 * @param copies     node → source, in spec order (the order the copies run in)
 * @param replicated the nodes that hold their data before the copies: the mesh the copies join
 */
public record NodeCopyPlan(Map<String, String> copies, List<String> replicated) {

    public NodeCopyPlan {
        copies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(copies));
        replicated = List.copyOf(replicated);
    }

    /**
     * @param nodes           the spec's nodes, in spec order
     * @param bootstrapped    nodes whose Patroni cluster this operation bootstraps (no data yet)
     * @param unfinished      node → source of copies an earlier operation started and did not finish
     * @param requestedSource node → its {@code source_node} from the spec, where set
     */
    public static NodeCopyPlan of(List<String> nodes, Set<String> bootstrapped, Map<String, String> unfinished,
                                  Map<String, String> requestedSource) {
        List<String> holdingData = nodes.stream()
                .filter(n -> !bootstrapped.contains(n) && !unfinished.containsKey(n)).toList();
        Map<String, String> copies = new LinkedHashMap<>();
        for (String node : nodes) {
            if (!bootstrapped.contains(node) && !unfinished.containsKey(node)) {
                continue;
            }
            String source = null;
            String earlier = unfinished.get(node);
            String requested = requestedSource.get(node);
            if (earlier != null && canGive(earlier, nodes, holdingData, bootstrapped, unfinished, requestedSource)) {
                source = earlier;
            } else if (requested != null && !requested.equals(node)
                    && canGive(requested, nodes, holdingData, bootstrapped, unfinished, requestedSource)) {
                source = requested;
            } else if (!holdingData.isEmpty()) {
                source = holdingData.get(0);
            }
            if (source != null) {
                copies.put(node, source);
            }
        }
        List<String> replicated = new ArrayList<>(nodes);
        replicated.removeAll(copies.keySet());
        return new NodeCopyPlan(copies, replicated);
    }

    /** A node holds data when the copies run: it had data, or it is created empty and copies from nobody. */
    private static boolean canGive(String source, List<String> nodes, List<String> holdingData, Set<String> bootstrapped,
                                   Map<String, String> unfinished, Map<String, String> requestedSource) {
        if (!nodes.contains(source)) {
            return false;
        }
        if (holdingData.contains(source)) {
            return true;
        }
        // a new node created empty at the same time (a create): it runs the scripts, then others copy it
        return bootstrapped.contains(source) && !unfinished.containsKey(source) && !requestedSource.containsKey(source)
                && holdingData.isEmpty();
    }
}
