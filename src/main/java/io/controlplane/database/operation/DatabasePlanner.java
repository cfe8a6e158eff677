package io.controlplane.database.operation;

import io.controlplane.common.PermanentException;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.InstanceStatus;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.replication.NodeCopyPlan;
import io.controlplane.resource.DatabasePlan;
import io.controlplane.resource.DesiredState;
import io.controlplane.resource.InstanceChange;
import io.controlplane.resource.InstanceSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;

/**
 * "Plan instances": diffs the desired instances of the stored spec against the stored ones, saves
 * each planned instance spec for the steps that follow, and marks instance states. It also says which
 * nodes start as a copy of another node ({@link NodeCopyPlan}) and which form the replication mesh. Running it again
 * gives the same plan as long as nothing was applied; after a partial apply it plans what is left.
 *
 * <p>Deciding is pure ({@link #decide}: what is stored and what is wanted in, a {@link Decision} out);
 * applying it writes the planned specs and states ({@link #plan}). A dry run ({@link #preview}) decides
 * for a spec that is not stored and writes nothing.
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
     * What an operation will do, decided from what is stored.
     *
     * @param removed       instances to remove with the spec they had (or a stand-in for a record without any)
     * @param instanceHosts where each instance's steps run
     * @param nodeHosts     where each node's SQL runs (its primary's host)
     * @param removedNodes  nodes whose whole Patroni scope goes
     * @param changes       for each updated instance, what changes and whether Postgres restarts
     */
    public record Decision(DatabasePlan plan, Map<String, InstanceSpec> removed, Map<String, String> instanceHosts,
                           Map<String, String> nodeHosts, List<String> removedNodes,
                           Map<String, InstanceChange> changes) {

        public OperationPlan operationPlan(boolean delete, NodeCopyPlan copies) {
            return new OperationPlan(ids(plan.createPrimaries()), ids(plan.createReplicas()), ids(plan.update()),
                    List.copyOf(removed.keySet()), delete ? List.of() : plan.nodes(), removedNodes, instanceHosts,
                    nodeHosts, List.copyOf(copies.copies().keySet()), copies.copies(), copies.replicated());
        }
    }

    /** What is stored about a database's instances: the input of {@link #decide}. */
    public record Stored(Map<String, InstanceRecord> records, Map<String, InstanceSpec> finishedSpecs,
                         Map<String, InstanceSpec> plannedSpecs, Set<String> primaries) {

        public static Stored none() {
            return new Stored(Map.of(), Map.of(), Map.of(), Set.of());
        }
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
        DatabaseSpec spec = null;
        if (!delete) {
            spec = store.spec(databaseId)
                    .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
            desired = DesiredState.instances(databaseId, record.tenantId(), spec, manifest::image);
        }
        Stored stored = stored(databaseId);
        Decision decision = decide(databaseId, desired, stored, forceUpdate, delete, removeHosts, requestHost);
        apply(databaseId, decision, stored.records());
        return decision.operationPlan(delete, copies(spec, decision, store.nodeCopies(databaseId), delete));
    }

    /**
     * The plan an update (or a create, when the database does not exist) with {@code spec} would make
     * now, without writing anything: no planned specs, no states, no ports.
     */
    public Decision preview(String databaseId, String tenantIdOrNull, DatabaseSpec spec, boolean forceUpdate,
                            String requestHost) {
        List<InstanceSpec> desired = DesiredState.instances(databaseId, java.util.Optional.ofNullable(tenantIdOrNull),
                spec, manifest::image);
        Stored stored = store.record(databaseId).isPresent() ? stored(databaseId) : Stored.none();
        return decide(databaseId, desired, stored, forceUpdate, false, Set.of(), requestHost);
    }

    /** Copies an earlier operation started and did not finish (node → source), read only. */
    public Map<String, String> unfinishedCopies(String databaseId) {
        return store.nodeCopies(databaseId);
    }

    /**
     * "Plan cleanup of canceled operation": the instances a canceled create or update had started and
     * that are not finished parts of the database: every instance it planned to create
     * ({@code createdInstances}), and every instance whose create never finished. Marks them deleting.
     * Nodes left without any instance lose their Patroni scope too, and leave the replication mesh first:
     * the plan names the nodes that keep instances ({@code replicatedNodes}) and their primaries' hosts.
     * The instances a canceled restore was restoring ({@code stoppedInstances}) are stopped, not removed:
     * only their hosts go into {@code instanceHosts}.
     */
    public OperationPlan planCancelCleanup(String databaseId, String requestHost, Collection<String> createdInstances,
                                           Collection<String> stoppedInstances) {
        Stored stored = stored(databaseId);
        Map<String, InstanceSpec> removed = new TreeMap<>();
        Set<String> candidates = new LinkedHashSet<>(createdInstances);
        stored.records().keySet().stream().filter(id -> !stored.finishedSpecs().containsKey(id)).forEach(candidates::add);
        stored.plannedSpecs().keySet().stream().filter(id -> !stored.finishedSpecs().containsKey(id))
                .forEach(candidates::add);
        for (String id : candidates) {
            InstanceSpec spec = stored.finishedSpecs().getOrDefault(id, stored.plannedSpecs().get(id));
            InstanceRecord record = stored.records().get(id);
            if (spec == null && record == null) {
                continue; // never planned here, or already removed
            }
            removed.put(id, spec != null ? spec : standIn(databaseId, record));
        }
        Set<String> remainingNodes = stored.records().values().stream().filter(r -> !removed.containsKey(r.id()))
                .map(InstanceRecord::nodeName).collect(Collectors.toSet());
        List<String> removedNodes = removed.values().stream().map(InstanceSpec::nodeName)
                .filter(n -> !remainingNodes.contains(n)).distinct().sorted().toList();
        Map<String, String> instanceHosts = new LinkedHashMap<>();
        removed.values().forEach(s -> instanceHosts.put(s.instanceId(),
                stored.records().containsKey(s.instanceId()) ? stored.records().get(s.instanceId()).hostId() : s.hostId()));
        stoppedInstances.stream().filter(id -> !removed.containsKey(id) && stored.records().containsKey(id))
                .forEach(id -> instanceHosts.put(id, stored.records().get(id).hostId()));
        // the nodes that stay, with the host of their primary: remove-replication-node runs there
        List<InstanceSpec> staying = stored.finishedSpecs().values().stream()
                .filter(s -> !removed.containsKey(s.instanceId()) && remainingNodes.contains(s.nodeName()))
                .sorted(java.util.Comparator.comparing(InstanceSpec::instanceId)).toList();
        Map<String, String> nodeHosts = new TreeMap<>();
        staying.stream().filter(s -> stored.primaries().contains(s.instanceId()))
                .forEach(s -> nodeHosts.putIfAbsent(s.nodeName(), s.hostId()));
        staying.stream().filter(InstanceSpec::intendedPrimary).forEach(s -> nodeHosts.putIfAbsent(s.nodeName(), s.hostId()));
        staying.forEach(s -> nodeHosts.putIfAbsent(s.nodeName(), s.hostId()));
        Instant now = Instant.now();
        removed.keySet().stream().filter(stored.records()::containsKey)
                .forEach(id -> store.updateInstance(databaseId, id, r -> r.withState(InstanceState.DELETING, null, now)));
        return new OperationPlan(List.of(), List.of(), List.of(), List.copyOf(removed.keySet()), List.of(), removedNodes,
                instanceHosts, nodeHosts, List.of(), Map.of(), List.copyOf(nodeHosts.keySet()));
    }

    private Stored stored(String databaseId) {
        Map<String, InstanceStatus> statuses = store.statuses(databaseId);
        Set<String> primaries = statuses.entrySet().stream()
                .filter(e -> "primary".equals(e.getValue().roleOrNull())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        return new Stored(store.instances(databaseId), store.instanceSpecs(databaseId), store.plannedSpecs(databaseId),
                primaries);
    }

    /** The decision, pure: what is stored and what is wanted in, what to create, update and remove out. */
    public static Decision decide(String databaseId, List<InstanceSpec> desired, Stored stored, boolean forceUpdate,
                                  boolean delete, Set<String> removeHosts, String requestHost) {
        Map<String, InstanceRecord> records = stored.records();
        Map<String, InstanceSpec> current = new TreeMap<>(stored.finishedSpecs());
        // instances whose create never finished have a record and a planned spec but no stored spec
        for (String id : records.keySet()) {
            if (!current.containsKey(id) && stored.plannedSpecs().containsKey(id)) {
                current.put(id, stored.plannedSpecs().get(id));
            }
        }
        Set<String> finished = stored.finishedSpecs().keySet();
        DatabasePlan plan = DatabasePlan.between(onlyFinished(current, finished), desired, stored.primaries(),
                forceUpdate);
        // an unfinished instance is created again (its steps are idempotent), not updated
        plan = recreateUnfinished(plan, current, finished);

        Map<String, InstanceSpec> removed = new LinkedHashMap<>();
        plan.remove().forEach(s -> removed.put(s.instanceId(), s));
        // records without any spec (a create that failed before planning finished) go too
        records.keySet().stream().filter(id -> !current.containsKey(id))
                .forEach(id -> removed.put(id, standIn(databaseId, records.get(id))));

        Map<String, String> instanceHosts = new LinkedHashMap<>();
        plan.finalInstances().forEach(s -> instanceHosts.put(s.instanceId(), s.hostId()));
        removed.values().forEach(s -> instanceHosts.put(s.instanceId(),
                removeHosts.contains(s.hostId()) ? requestHost : s.hostId()));
        Map<String, InstanceChange> changes = new LinkedHashMap<>();
        for (InstanceSpec want : plan.update()) {
            InstanceSpec have = stored.finishedSpecs().get(want.instanceId());
            if (have != null) {
                changes.put(want.instanceId(), InstanceChange.between(have, want));
            }
        }
        return new Decision(plan, removed, instanceHosts, nodeHosts(plan, stored.primaries()),
                removedNodes(plan, removed, delete), changes);
    }

    /** Applies a decision: planned specs and instance states, so the steps that follow find them. */
    private void apply(String databaseId, Decision decision, Map<String, InstanceRecord> records) {
        Instant now = Instant.now();
        for (InstanceSpec spec : decision.plan().createPrimaries()) {
            markPlanned(spec, records, InstanceState.CREATING, now);
        }
        for (InstanceSpec spec : decision.plan().createReplicas()) {
            markPlanned(spec, records, InstanceState.CREATING, now);
        }
        for (InstanceSpec spec : decision.plan().update()) {
            markPlanned(spec, records, InstanceState.MODIFYING, now);
        }
        decision.removed().keySet().forEach(id -> store.updateInstance(databaseId, id,
                r -> r.withState(InstanceState.DELETING, null, now)));
    }

    /**
     * Which nodes start as a copy of which node, and which form the mesh ({@link NodeCopyPlan}): a node
     * whose Patroni cluster this operation bootstraps with initdb (not from a backup), or whose earlier copy
     * never finished ({@code unfinished}, etcd {@code /node_copies}), copies its {@code source_node}, else
     * the first node that holds data.
     */
    public static NodeCopyPlan copies(DatabaseSpec specOrNull, Decision decision, Map<String, String> unfinished,
                                      boolean delete) {
        List<String> nodes = delete || specOrNull == null ? List.of() : decision.plan().nodes();
        Map<String, String> requestedSources = new HashMap<>();
        if (specOrNull != null) {
            specOrNull.nodes().forEach(n -> n.sourceNode().filter(s -> !s.isBlank())
                    .ifPresent(s -> requestedSources.put(n.name(), s)));
        }
        // a node whose primary bootstraps from a backup (restore_config) holds data: it is no copy
        Set<String> bootstrapped = decision.plan().createPrimaries().stream()
                .filter(s -> s.backup().restoreFromOrNull() == null).map(InstanceSpec::nodeName)
                .collect(Collectors.toSet());
        return NodeCopyPlan.of(nodes, bootstrapped, unfinished, requestedSources);
    }

    private static InstanceSpec standIn(String databaseId, InstanceRecord r) {
        return new InstanceSpec(r.id(), databaseId, null, "", r.nodeName(), 0, r.hostId(), false, "", "",
                r.port(), r.patroniPort(), null, null, null, null, null, null, null, 0, 0);
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
        Set<String> remaining = Stream.concat(plan.update().stream(), plan.unchanged().stream())
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
