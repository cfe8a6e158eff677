package io.controlplane.database.operation;

import io.controlplane.common.PermanentException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceStatus;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.resource.InstanceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * "Read database topology", the first step of an ops engineer's operation: the database's nodes, its
 * instances and where each runs, as readable process variables. Instances are listed node by node,
 * each node's replicas before its primary, the order a rolling change wants.
 */
@Service
public class DatabaseTopology {

    private final DatabaseStore store;
    private final InstanceConfigs configs;

    public DatabaseTopology(DatabaseStore store, InstanceConfigs configs) {
        this.store = store;
        this.configs = configs;
    }

    /**
     * @param nodeHosts     node → host of its primary (where its SQL runs)
     * @param instanceHosts instance → its host
     */
    public record Topology(List<String> nodes, Map<String, String> nodeHosts, List<String> instanceIds,
                           Map<String, String> instanceHosts, List<String> primaries) {

        /** Every name of {@link ProcessVariables#TOPOLOGY}. */
        public Map<String, Object> variables() {
            return Map.of(
                    ProcessVariables.NODES, ProcessVariables.list(nodes),
                    ProcessVariables.NODE_HOSTS, ProcessVariables.pairs(nodeHosts),
                    ProcessVariables.INSTANCE_IDS, ProcessVariables.list(instanceIds),
                    ProcessVariables.INSTANCE_HOSTS, ProcessVariables.pairs(instanceHosts));
        }
    }

    public Topology read(String databaseId) {
        DatabaseSpec spec = store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
        Map<String, InstanceSpec> instances = store.instanceSpecs(databaseId);
        Map<String, InstanceStatus> statuses = store.statuses(databaseId);
        List<String> nodes = new ArrayList<>();
        Map<String, String> nodeHosts = new LinkedHashMap<>();
        List<String> ordered = new ArrayList<>();
        Map<String, String> instanceHosts = new LinkedHashMap<>();
        List<String> primaries = new ArrayList<>();
        for (DatabaseNodeSpec node : spec.nodes()) {
            List<InstanceSpec> ofNode = instances.values().stream().filter(i -> i.nodeName().equals(node.name()))
                    .sorted((a, b) -> a.instanceId().compareTo(b.instanceId())).toList();
            if (ofNode.isEmpty()) {
                continue;
            }
            nodes.add(node.name());
            // Patroni knows the primary now; the monitor's last word is the fallback
            Optional<InstanceSpec> primary = configs.nodePrimary(databaseId, node.name()).or(() -> ofNode.stream()
                    .filter(i -> statuses.containsKey(i.instanceId())
                            && "primary".equals(statuses.get(i.instanceId()).roleOrNull())).findFirst());
            String primaryId = primary.map(InstanceSpec::instanceId).orElse(ofNode.get(0).instanceId());
            ofNode.stream().filter(i -> !i.instanceId().equals(primaryId)).forEach(i -> ordered.add(i.instanceId()));
            ordered.add(primaryId);
            primaries.add(primaryId);
            ofNode.forEach(i -> instanceHosts.put(i.instanceId(), i.hostId()));
            nodeHosts.put(node.name(), instanceHosts.get(primaryId));
        }
        if (nodes.isEmpty()) {
            throw new PermanentException("database " + databaseId + " has no instances yet");
        }
        return new Topology(nodes, nodeHosts, ordered, instanceHosts, primaries);
    }
}
