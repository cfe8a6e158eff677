package io.controlplane.database.operation;

import java.util.ArrayList;
import io.controlplane.common.PermanentException;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.InstanceStatus;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.replication.NodeCopyPlan;
import io.controlplane.resource.DatabasePlan;
import io.controlplane.resource.DesiredState;
import io.controlplane.resource.InstanceSpec;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * "Plan instances": diffs the desired instances of the stored spec against the stored ones, saves
 * each planned instance spec for the steps that follow, and marks instance states. It also says which
 * nodes start as a copy of another node ({@link NodeCopyPlan}) and which form the replication mesh. Running it again
 * gives the same plan as long as nothing was applied; after a partial apply it plans what is left.
 */
@Service
public class DatabasePlanner {

    private final DatabaseStore store;
    private final ImageManifest manifest;

    public DatabasePlanner(DatabaseStore store, ImageManifest manifest) {
        this.store = store;
        this.manifest = manifest;
    }

    /**
     * @param delete      plan the removal of everything
     * @param removeHosts hosts that are gone: work on their instances runs on {@code requestHost}
     */
    public OperationPlan plan(String databaseId, String requestHost, boolean delete, boolean forceUpdate,
                              Set<String> removeHosts) {
        DatabaseRecord record = store.record(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " does not exist any more"));
        List<InstanceSpec> desired = List.of();
        Map<String, String> requestedSources = new HashMap<>();
        if (!delete) {
            DatabaseSpec spec = store.spec(databaseId)
                    .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
            desired = DesiredState.instances(databaseId, record.tenantId(), spec, manifest::image);
            spec.nodes().forEach(n -> n.sourceNode().filter(s -> !s.isBlank())
                    .ifPresent(s -> requestedSources.put(n.name(), s)));
        }
        Map<String, InstanceRecord> records = store.instances(databaseId);
        Map<String, InstanceSpec> finishedSpecs = store.instanceSpecs(databaseId);
        Map<String, InstanceSpec> current = new TreeMap<>(finishedSpecs);
        // instances whose create never finished have a record and a planned spec but no stored spec
        Map<String, InstanceSpec> planned = store.plannedSpecs(databaseId);
        for (String id : records.keySet()) {
            if (!current.containsKey(id) && planned.containsKey(id)) {
                current.put(id, planned.get(id));
            }
        }
        Map<String, InstanceStatus> statuses = store.statuses(databaseId);
        Set<String> primaries = statuses.entrySet().stream()
                .filter(e -> "primary".equals(e.getValue().roleOrNull())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        Set<String> finished = finishedSpecs.keySet();
        DatabasePlan plan = DatabasePlan.between(onlyFinished(current, finished), desired, primaries, forceUpdate);
        // an unfinished instance is created again (its steps are idempotent), not updated
        plan = recreateUnfinished(plan, current, finished);

        Instant now = Instant.now();
        for (InstanceSpec spec : plan.createPrimaries()) {
            markPlanned(spec, records, InstanceState.CREATING, now);
        }
        for (InstanceSpec spec : plan.createReplicas()) {
            markPlanned(spec, records, InstanceState.CREATING, now);
        }
        for (InstanceSpec spec : plan.update()) {
            markPlanned(spec, records, InstanceState.MODIFYING, now);
        }
        Map<String, InstanceSpec> removed = new LinkedHashMap<>();
        plan.remove().forEach(s -> removed.put(s.instanceId(), s));
        // records without any spec (a create that failed before planning finished) go too
        records.keySet().stream().filter(id -> !current.containsKey(id)).forEach(id -> {
            InstanceRecord r = records.get(id);
            removed.put(id, new InstanceSpec(id, databaseId, null, "", r.nodeName(), 0, r.hostId(), false, "", "",
                    r.port(), r.patroniPort(), null, null, null, null, null, null, null, 0, 0));
        });
        removed.keySet().forEach(id -> store.updateInstance(databaseId, id, r -> r.withState(InstanceState.DELETING, null, now)));

        Map<String, String> instanceHosts = new LinkedHashMap<>();
        plan.finalInstances().forEach(s -> instanceHosts.put(s.instanceId(), s.hostId()));
        removed.values().forEach(s -> instanceHosts.put(s.instanceId(),
                removeHosts.contains(s.hostId()) ? requestHost : s.hostId()));
        Map<String, String> nodeHosts = nodeHosts(plan, primaries);
        List<String> nodes = delete ? List.of() : plan.nodes();
        // a node whose primary bootstraps from a backup (restore_config) holds data: it is no copy
        NodeCopyPlan copies = NodeCopyPlan.of(nodes, plan.createPrimaries().stream()
                .filter(s -> s.backup().restoreFromOrNull() == null).map(InstanceSpec::nodeName)
                .collect(Collectors.toSet()), store.nodeCopies(databaseId), requestedSources);
        return new OperationPlan(ids(plan.createPrimaries()), ids(plan.createReplicas()), ids(plan.update()),
                List.copyOf(removed.keySet()), nodes, removedNodes(plan, removed, delete),
                instanceHosts, nodeHosts, List.copyOf(copies.copies().keySet()), copies.copies(), copies.replicated());
    }

    private void markPlanned(InstanceSpec spec, Map<String, InstanceRecord> records, InstanceState state, Instant now) {
        store.putPlanned(spec);
        InstanceRecord existing = records.get(spec.instanceId());
        if (existing == null) {
            store.putInstance(new InstanceRecord(spec.instanceId(), spec.databaseId(), spec.hostId(), spec.nodeName(),
                    state, spec.port(), spec.patroniPort(), now, now, null));
        } else {
            store.putInstance(existing.withState(state, null, now));
        }
    }

    private static Map<String, InstanceSpec> onlyFinished(Map<String, InstanceSpec> current, Set<String> finished) {
        Map<String, InstanceSpec> result = new TreeMap<>();
        current.forEach((id, s) -> {
            if (finished.contains(id)) {
                result.put(id, s);
            }
        });
        return result;
    }

    private static DatabasePlan recreateUnfinished(DatabasePlan plan, Map<String, InstanceSpec> current,
                                                   Set<String> finished) {
        List<String> unfinished = current.keySet().stream().filter(id -> !finished.contains(id)).toList();
        if (unfinished.isEmpty()) {
            return plan;
        }
        // unfinished instances that the spec no longer wants must be removed like any other
        Set<String> wanted = plan.finalInstances().stream().map(InstanceSpec::instanceId).collect(Collectors.toSet());
        List<InstanceSpec> remove = new ArrayList<>(plan.remove());
        unfinished.stream().filter(id -> !wanted.contains(id)).forEach(id -> remove.add(current.get(id)));
        return new DatabasePlan(plan.createPrimaries(), plan.createReplicas(), plan.update(), plan.unchanged(), remove,
                plan.nodes(), plan.removedNodes());
    }

    private static List<String> removedNodes(DatabasePlan plan, Map<String, InstanceSpec> removed, boolean delete) {
        // nodes that keep an instance keep their Patroni cluster; a node re-created on new hosts does not
        Set<String> remaining = java.util.stream.Stream.concat(plan.update().stream(), plan.unchanged().stream())
                .map(InstanceSpec::nodeName).collect(Collectors.toSet());
        return removed.values().stream().map(InstanceSpec::nodeName).filter(n -> delete || !remaining.contains(n))
                .distinct().sorted().toList();
    }

    /** SQL for a node runs on the host of its primary: the current one, else the one that bootstraps it. */
    private static Map<String, String> nodeHosts(DatabasePlan plan, Set<String> primaries) {
        Map<String, String> hosts = new HashMap<>();
        for (InstanceSpec s : plan.finalInstances()) {
            if (primaries.contains(s.instanceId())) {
                hosts.put(s.nodeName(), s.hostId());
            }
        }
        for (InstanceSpec s : plan.finalInstances()) {
            if (s.intendedPrimary()) {
                hosts.putIfAbsent(s.nodeName(), s.hostId());
            }
        }
        plan.finalInstances().forEach(s -> hosts.putIfAbsent(s.nodeName(), s.hostId()));
        return new TreeMap<>(hosts);
    }

    private static List<String> ids(List<InstanceSpec> specs) {
        return specs.stream().map(InstanceSpec::instanceId).toList();
    }
}
