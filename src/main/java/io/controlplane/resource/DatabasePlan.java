package io.controlplane.resource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an operation has to do to take the stored instances to the desired ones. Pure.
 *
 * <ul>
 *   <li>{@code createPrimaries}: the first host of every node none of whose instances stays (a new
 *       node, or one whose hosts were all replaced);</li>
 *   <li>{@code createReplicas}: every other new instance, created once the primaries run;</li>
 *   <li>{@code update}: existing instances whose spec changed (all of them with force), replicas
 *       before primaries so a node keeps a primary as long as possible (a rolling update);</li>
 *   <li>{@code remove}: stored instances the spec no longer has; {@code removedNodes}: nodes none of
 *       whose stored instances stays, whose Patroni keys go too (even when the node comes back on
 *       new hosts: its new primary bootstraps a new Patroni cluster).</li>
 * </ul>
 * Desired instances whose ports are left to allocation keep the ports they already have.
 */
public record DatabasePlan(
        List<InstanceSpec> createPrimaries,
        List<InstanceSpec> createReplicas,
        List<InstanceSpec> update,
        List<InstanceSpec> unchanged,
        List<InstanceSpec> remove,
        List<String> nodes,
        List<String> removedNodes) {

    public DatabasePlan {
        createPrimaries = List.copyOf(createPrimaries);
        createReplicas = List.copyOf(createReplicas);
        update = List.copyOf(update);
        unchanged = List.copyOf(unchanged);
        remove = List.copyOf(remove);
        nodes = List.copyOf(nodes);
        removedNodes = List.copyOf(removedNodes);
    }

    /**
     * @param current        the stored instance specs by instance id
     * @param desired        {@link DesiredState#instances} of the new spec
     * @param currentPrimaries ids of instances that are primaries now (from Patroni), to order updates
     * @param forceUpdate    update every existing instance even when nothing changed
     */
    public static DatabasePlan between(Map<String, InstanceSpec> current, List<InstanceSpec> desired,
                                       Set<String> currentPrimaries, boolean forceUpdate) {
        Set<String> wanted = desired.stream().map(InstanceSpec::instanceId).collect(Collectors.toSet());
        // a node's Patroni cluster lives on as long as one of its instances stays; else it starts anew
        Set<String> survivingNodes = current.values().stream().filter(i -> wanted.contains(i.instanceId()))
                .map(InstanceSpec::nodeName).collect(Collectors.toSet());
        List<InstanceSpec> createPrimaries = new ArrayList<>();
        List<InstanceSpec> createReplicas = new ArrayList<>();
        List<InstanceSpec> updateReplicas = new ArrayList<>();
        List<InstanceSpec> updatePrimaries = new ArrayList<>();
        List<InstanceSpec> unchanged = new ArrayList<>();
        Set<String> nodes = new LinkedHashSet<>();
        for (InstanceSpec want : desired) {
            nodes.add(want.nodeName());
            InstanceSpec have = current.get(want.instanceId());
            if (have == null) {
                boolean bootstrapsNode = want.intendedPrimary() && !survivingNodes.contains(want.nodeName());
                (bootstrapsNode ? createPrimaries : createReplicas).add(want);
                continue;
            }
            InstanceSpec resolved = want.withPortsFrom(have);
            if (forceUpdate || !sameApartFromRole(resolved, have)) {
                (currentPrimaries.contains(want.instanceId()) ? updatePrimaries : updateReplicas).add(resolved);
            } else {
                unchanged.add(have);
            }
        }
        List<InstanceSpec> remove = current.values().stream().filter(i -> !wanted.contains(i.instanceId()))
                .sorted((a, b) -> a.instanceId().compareTo(b.instanceId())).toList();
        List<String> removedNodes = remove.stream().map(InstanceSpec::nodeName)
                .filter(n -> !survivingNodes.contains(n)).distinct().toList();
        List<InstanceSpec> update = new ArrayList<>(updateReplicas);
        update.addAll(updatePrimaries);
        return new DatabasePlan(createPrimaries, createReplicas, update, unchanged, remove, List.copyOf(nodes),
                removedNodes);
    }

    /** Every instance that exists once the plan is applied. */
    public List<InstanceSpec> finalInstances() {
        List<InstanceSpec> all = new ArrayList<>(createPrimaries);
        all.addAll(createReplicas);
        all.addAll(update);
        all.addAll(unchanged);
        return all;
    }

    public boolean isEmpty() {
        return createPrimaries.isEmpty() && createReplicas.isEmpty() && update.isEmpty() && remove.isEmpty();
    }

    /** Which host was the bootstrap primary of a node is history once it exists; ports and settings are not. */
    private static boolean sameApartFromRole(InstanceSpec a, InstanceSpec b) {
        return a.equals(withRole(b, a.intendedPrimary()));
    }

    private static InstanceSpec withRole(InstanceSpec s, boolean intendedPrimary) {
        return new InstanceSpec(s.instanceId(), s.databaseId(), s.tenantIdOrNull(), s.databaseName(), s.nodeName(),
                s.nodeOrdinal(), s.hostId(), intendedPrimary, s.postgresVersion(), s.image(), s.port(),
                s.patroniPort(), s.memoryOrNull(), s.cpusOrNull(), s.postgresqlConf(), s.hbaEntries(),
                s.identEntries(), s.extraLabels(), s.extraVolumes(), s.clusterSize(), s.nodeSize(), s.backupOrNull());
    }

    static List<String> ids(Collection<InstanceSpec> specs) {
        return specs.stream().map(InstanceSpec::instanceId).toList();
    }
}
