package io.controlplane.database.operation;

import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.DatabaseUserSpec;
import io.controlplane.patroni.ContainerPaths;
import io.controlplane.patroni.PatroniClient;
import io.controlplane.patroni.PatroniInstanceConfig;
import io.controlplane.postgres.PostgresAdmin;
import io.controlplane.replication.CopyState;
import io.controlplane.replication.NodeDsn;
import io.controlplane.replication.NodeRoles;
import io.controlplane.replication.ReplicationNames;
import io.controlplane.replication.ReplicationNode;
import io.controlplane.replication.ReplicationProvider;
import io.controlplane.replication.Subscription;
import io.controlplane.resource.InstanceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.springframework.stereotype.Service;

/**
 * The replication steps of the database operations: the full mesh between the nodes (configure-replication),
 * a new node that starts as a copy of a source node and joins the mesh while every node keeps taking writes
 * (add-replication-node), a node that leaves it (remove-replication-node). SQL on a node runs against the
 * node's current primary (asked from Patroni) through {@link ReplicationProvider}; every step checks the
 * catalogs first, so a rerun does only what is missing. Provider slots are Patroni permanent slots.
 *
 * <p>How a copy loses no row (design notes in docs/architecture.md, "Replication"): the new node N gets
 * slots on every node first; its source S takes a snapshot while S's subscriptions to the other nodes P are
 * paused for a moment, so the snapshot holds exactly P's changes up to the LSN S has applied from P; N's
 * subscription to P starts there, and N's subscription to S copies that snapshot and continues after it.
 */
@Service
public class NodeReplication {

    static final String POST_INIT = DatabaseObjects.POST_INIT;
    static final String POST_DATABASE_CREATE = DatabaseObjects.POST_DATABASE_CREATE;
    /** How long a peer's changes may take to reach the source before the copy is tried again. */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(60);
    /** How long the source's subscriptions stay paused at most while the copy's snapshot is taken. */
    static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(90);
    /** How long one attempt waits for a copy; a longer copy goes on and the retry waits again. */
    static final Duration COPY_WAIT = Duration.ofMinutes(20);
    /** A copy whose apply process has not run for this long has failed (pglogical cannot resume it). */
    static final Duration COPY_STALLED = Duration.ofSeconds(30);

    private final DatabaseStore store;
    private final InstanceConfigs configs;
    private final ReplicationProvider provider;
    private final NodeRoles roles;

    public NodeReplication(DatabaseStore store, InstanceConfigs configs, ReplicationProvider provider, NodeRoles roles) {
        this.store = store;
        this.configs = configs;
        this.provider = provider;
        this.roles = roles;
    }

    // ---- before the database objects: a copied node's roles

    /**
     * "Copy roles from source node": records that {@code node} is a copy of {@code source} (its scripts
     * then never run: it gets what they made from the source) and creates the source's roles on it.
     */
    public List<String> copyRoles(String databaseId, String node, String source) {
        String recorded = store.nodeCopySource(databaseId, node).orElse(null);
        if (!source.equals(recorded)) {
            store.putNodeCopy(databaseId, node, source);
        }
        store.markScriptDone(databaseId, POST_INIT, node);
        store.markScriptDone(databaseId, POST_DATABASE_CREATE, node);
        NodeRoles.Copied copied = roles.copy(primary(databaseId, source).postgres(), primary(databaseId, node).postgres());
        List<String> done = new ArrayList<>();
        done.add("node " + node + " is a copy of node " + source + "; its scripts do not run");
        done.add(copied.roles().isEmpty() ? "no role to copy" : "copied roles " + String.join(", ", copied.roles()));
        if (!copied.grants().isEmpty()) {
            done.add("granted " + String.join(", ", copied.grants()));
        }
        return done;
    }

    // ---- configure-replication: the mesh between nodes that have their data

    /** "Install replication on node": replication node and, unless the node waits for a copy, DDL replication. */
    public List<String> install(String databaseId, String node) {
        Primary p = primary(databaseId, node);
        provider.ensureNode(p.node(), dsn(databaseId, node));
        if (store.nodeCopySource(databaseId, node).isPresent()) {
            return List.of("replication node " + node + " (DDL replication comes with its copy)");
        }
        int added = provider.installDdlReplication(p.node());
        return List.of("replication node " + node + " with DDL replication",
                added + " table(s) put into their replication set");
    }

    /** "Create replication slots": on {@code node}, a permanent slot for every other node of {@code mesh}. */
    public List<String> createSlots(String databaseId, String node, List<String> mesh) {
        Primary p = primary(databaseId, node);
        List<String> done = new ArrayList<>();
        for (String subscriber : mesh) {
            if (!subscriber.equals(node)) {
                done.add(ensurePermanentSlot(p, subscriber).name());
            }
        }
        return done.isEmpty() ? List.of("no other node") : List.of("slots " + String.join(", ", done));
    }

    /** "Create subscriptions": on {@code node}, a subscription to every other node of {@code mesh}. */
    public List<String> createSubscriptions(String databaseId, String node, List<String> mesh) {
        Primary subscriber = primary(databaseId, node);
        List<String> done = new ArrayList<>();
        for (String providerNode : mesh) {
            if (!providerNode.equals(node)) {
                done.add(ensureSubscription(databaseId, subscriber, providerNode));
            }
        }
        return done.isEmpty() ? List.of("no other node") : done;
    }

    // ---- add-replication-node

    /** "Create replication slots for the new node": on every other node, a permanent slot for {@code node}. */
    public List<String> createSlotsForNewNode(String databaseId, String node) {
        source(databaseId, node);
        List<String> done = new ArrayList<>();
        for (String peer : peers(databaseId, node)) {
            done.add(ensurePermanentSlot(primary(databaseId, peer), node).name() + " on " + peer);
        }
        return done.isEmpty() ? List.of("no other node") : List.of("slots " + String.join(", ", done));
    }

    /**
     * "Copy data from source node": the protocol of the class comment. Resumes the source's subscriptions
     * first (an earlier attempt may have stopped in the middle), starts over when an earlier copy failed,
     * waits for a copy that is still running.
     */
    public List<String> copyData(String databaseId, String node) {
        String source = source(databaseId, node);
        Primary n = primary(databaseId, node);
        Primary s = primary(databaseId, source);
        List<String> others = peers(databaseId, node).stream().filter(p -> !p.equals(source)).toList();
        List<String> done = new ArrayList<>();
        Optional<Subscription> copy = provider.subscription(n.node(), source);
        if (copy.isPresent() && copy.get().copyState() == CopyState.STARTING) {
            // An earlier attempt stopped before the snapshot: the snapshot must never be taken once the
            // source replicates from its peers again, so this copy goes before they are resumed.
            provider.unsubscribe(n.node(), source);
            copy = Optional.empty();
        }
        resume(s, others);
        if (copy.isPresent() && copy.get().copyState() == CopyState.READY) {
            return List.of("node " + node + " already is a copy of node " + source);
        }
        if (copy.isPresent() && copy.get().copyState() != CopyState.STARTING && provider.applying(n.node(), source)) {
            done.add("the copy from an earlier attempt is still running");
        } else {
            // An earlier attempt left subscriptions, or tables of a copy whose subscription is gone (dropped
            // after a failed snapshot): the copy needs an empty target, so the database is dropped first.
            if (!provider.subscriptions(n.node()).isEmpty() || n.postgres().hasUserTables(databaseName(databaseId))) {
                startOver(databaseId, n);
                done.add("dropped what an earlier attempt copied (DROP DATABASE ... WITH (FORCE)) and created it again");
            }
            done.addAll(startCopy(databaseId, n, s, others));
        }
        Instant started = Instant.now();
        awaitCopied(n, source);
        done.add("copied in " + Duration.between(started, Instant.now()).toSeconds() + " s");
        return done;
    }

    /**
     * "Finish the node copy": DDL replication on the copy (its definitions came with the schema), every
     * table in its replication set, the sequences at the source's values.
     */
    public List<String> finishCopy(String databaseId, String node) {
        String source = source(databaseId, node);
        Primary n = primary(databaseId, node);
        if (provider.subscription(n.node(), source).map(sub -> sub.copyState() != CopyState.READY).orElse(true)) {
            throw new PermanentException("node " + node + " has no finished copy of node " + source
                    + "; run \"Copy data from source node\" again");
        }
        int tables = provider.installDdlReplication(n.node());
        Primary s = primary(databaseId, source);
        int sequences = provider.copySequences(s.node(), n.node());
        // pglogical made the copy's slot on the source itself: from now on Patroni keeps it across failovers
        String slot = ensurePermanentSlot(s, node).name();
        return List.of("DDL replication installed", tables + " table(s) put into their replication set",
                sequences + " sequence(s) set to the values of node " + source,
                "slot " + slot + " on node " + source + " is a permanent slot");
    }

    /** "Start replication from the other nodes": enables the subscriptions the copy prepared. */
    public List<String> startFromPeers(String databaseId, String node) {
        String source = source(databaseId, node);
        Primary n = primary(databaseId, node);
        List<String> done = new ArrayList<>();
        for (String peer : peers(databaseId, node)) {
            if (peer.equals(source)) {
                continue;
            }
            if (provider.subscription(n.node(), peer).isEmpty()) {
                throw new PermanentException("node " + node + " has no subscription to node " + peer
                        + "; run \"Copy data from source node\" again");
            }
            provider.setEnabled(n.node(), peer, true);
            done.add(ReplicationNames.subscription(peer, node) + " enabled");
        }
        return done.isEmpty() ? List.of("no other node") : done;
    }

    /**
     * "Subscribe the other nodes to the new node": slots on the new node and a subscription on every other
     * node; the node is then part of the mesh and its copy record goes.
     */
    public List<String> joinPeers(String databaseId, String node) {
        source(databaseId, node);
        List<String> done = new ArrayList<>();
        for (String peer : peers(databaseId, node)) {
            done.add(ensureSubscription(databaseId, primary(databaseId, peer), node) + " on " + peer);
        }
        store.deleteNodeCopy(databaseId, node);
        done.add("node " + node + " is part of the mesh");
        return done;
    }

    // ---- remove-replication-node

    /** "Stop the removed node's subscriptions" (skipped when the node no longer answers). */
    public List<String> dropSubscriptionsOf(String databaseId, String removedNode) {
        store.deleteNodeCopy(databaseId, removedNode);
        Optional<InstanceSpec> primary;
        try {
            primary = configs.nodePrimary(databaseId, removedNode);
        } catch (TransientException e) {
            primary = Optional.empty(); // its hosts do not answer: nothing of it runs that we could stop
        }
        if (primary.isEmpty()) {
            return List.of("no primary any more: its subscriptions go with it");
        }
        ReplicationNode r = new ReplicationNode(removedNode, configs.postgres(primary.get()), databaseName(databaseId));
        if (!r.primary().databaseExists(r.database())) {
            // a create canceled before it made the database: nothing of replication exists there yet
            return List.of("no database " + r.database() + " yet: no subscription");
        }
        List<String> done = new ArrayList<>();
        for (Subscription sub : provider.subscriptions(r)) {
            provider.unsubscribe(r, sub.providerNode());
            done.add(sub.name() + " dropped");
        }
        return done.isEmpty() ? List.of("no subscription") : done;
    }

    /** "Remove the node from a peer": on {@code peer}, the subscription to the removed node and its slot. */
    public List<String> removeFromPeer(String databaseId, String removedNode, String peer) {
        if (store.instanceSpecs(databaseId).values().stream().noneMatch(i -> i.nodeName().equals(peer))) {
            return List.of("node " + peer + " has no instance yet");
        }
        Primary p = primary(databaseId, peer);
        List<String> done = new ArrayList<>();
        if (provider.unsubscribe(p.node(), removedNode)) {
            done.add(ReplicationNames.subscription(removedNode, peer) + " dropped");
        }
        String slot = provider.slotName(p.node(), removedNode);
        PatroniClient patroni = configs.patroniClient(p.instance());
        if (patroni.permanentSlots().contains(slot)) {
            patroni.removePermanentSlot(slot);
        }
        if (provider.dropSlot(p.node(), slot)) {
            done.add("slot " + slot + " dropped");
        }
        return done.isEmpty() ? List.of("nothing of node " + removedNode + " left on node " + peer) : done;
    }

    // ---- the copy

    private List<String> startCopy(String databaseId, Primary n, Primary s, List<String> others) {
        List<String> done = new ArrayList<>();
        // the copy's subscriptions need the new node to be a replication node (DDL replication comes later)
        provider.ensureNode(n.node(), dsn(databaseId, n.node().name()));
        Map<String, ReplicationProvider.Slot> slots = new LinkedHashMap<>();
        for (String peer : others) {
            Primary p = primary(databaseId, peer);
            ReplicationProvider.Slot slot = ensurePermanentSlot(p, n.node().name());
            slots.put(peer, slot);
            // the source must have applied the peer's changes up to the slot before its snapshot
            provider.emitMarker(p.node());
            await(CATCH_UP_WAIT, () -> Lsn.of(provider.appliedUpTo(s.node(), peer)) >= Lsn.of(slot.confirmedFlushLsn()),
                    "node " + s.node().name() + " has not applied the changes of node " + peer + " up to "
                            + slot.confirmedFlushLsn() + " yet; is its subscription replicating?");
        }
        try {
            for (String peer : others) {
                provider.setEnabled(s.node(), peer, false);
            }
            for (String peer : others) {
                await(SNAPSHOT_WAIT, () -> !provider.applying(s.node(), peer),
                        "the subscription of node " + s.node().name() + " to node " + peer + " did not stop");
            }
            for (String peer : others) {
                String from = provider.appliedUpTo(s.node(), peer);
                ReplicationProvider.Slot slot = slots.get(peer);
                if (Lsn.of(slot.confirmedFlushLsn()) > Lsn.of(from)) {
                    // a slot used before (by an earlier node of the same name) would skip changes: a new one
                    provider.dropSlot(primary(databaseId, peer).node(), slot.name());
                    throw new TransientException("slot " + slot.name() + " on node " + peer + " was ahead of the"
                            + " copy; dropped it, the next attempt creates it again");
                }
                provider.subscribe(n.node(), peer, dsn(databaseId, peer), slot.name(), from, false);
                done.add(ReplicationNames.subscription(peer, n.node().name()) + " prepared from " + from);
            }
            provider.subscribeWithCopy(n.node(), s.node().name(), dsn(databaseId, s.node().name()));
            awaitSnapshot(n, s.node().name());
        } catch (RuntimeException e) {
            // No snapshot may be taken after the pause: drop the copy first. If even that fails, the
            // source stays paused; the next attempt drops the copy, then resumes it.
            provider.unsubscribe(n.node(), s.node().name());
            resume(s, others);
            throw e;
        }
        resume(s, others);
        done.add("snapshot of node " + s.node().name() + " taken" + (others.isEmpty() ? ""
                : "; its subscriptions to " + String.join(", ", others) + " were paused meanwhile"));
        return done;
    }

    private void awaitSnapshot(Primary n, String source) {
        Instant deadline = Instant.now().plus(SNAPSHOT_WAIT);
        while (true) {
            Optional<Subscription> sub = provider.subscription(n.node(), source);
            if (sub.isPresent() && sub.get().copyState() != CopyState.STARTING) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TransientException("node " + n.node().name() + " could not take a snapshot of node " + source
                        + " in " + SNAPSHOT_WAIT.toSeconds() + " s (see the Postgres log of " + n.node().name()
                        + "); the next attempt starts over");
            }
            InstanceLifecycle.sleep(Duration.ofMillis(100));
        }
    }

    private void awaitCopied(Primary n, String source) {
        Instant deadline = Instant.now().plus(COPY_WAIT);
        Instant lastRunning = Instant.now();
        while (true) {
            Subscription sub = provider.subscription(n.node(), source).orElseThrow(() -> new TransientException(
                    "the subscription of node " + n.node().name() + " to node " + source + " is gone"));
            if (sub.copyState() == CopyState.READY) {
                return;
            }
            if (provider.applying(n.node(), source)) {
                lastRunning = Instant.now();
            } else if (Instant.now().isAfter(lastRunning.plus(COPY_STALLED))) {
                throw new TransientException("the copy of node " + source + " to node " + n.node().name()
                        + " failed (see the Postgres log of " + n.node().name() + "); the next attempt starts over");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TransientException("the copy of node " + source + " to node " + n.node().name()
                        + " is still running after " + COPY_WAIT.toMinutes() + " min; the next attempt waits again");
            }
            InstanceLifecycle.sleep(Duration.ofMillis(250));
        }
    }

    /** Drops what an earlier attempt left on the new node: its subscriptions and the whole database. */
    private void startOver(String databaseId, Primary n) {
        for (Subscription sub : provider.subscriptions(n.node())) {
            provider.unsubscribe(n.node(), sub.providerNode());
        }
        DatabaseSpec spec = spec(databaseId);
        n.postgres().dropDatabase(spec.databaseName());
        String owner = spec.databaseUsers().stream().filter(DatabaseUserSpec::dbOwner).map(DatabaseUserSpec::username)
                .findFirst().orElse(null);
        n.postgres().ensureDatabase(spec.databaseName(), owner);
        provider.ensureNode(n.node(), dsn(databaseId, n.node().name()));
    }

    private void resume(Primary s, List<String> others) {
        for (String peer : others) {
            if (provider.subscription(s.node(), peer).isPresent()) {
                provider.setEnabled(s.node(), peer, true);
            }
        }
    }

    // ---- mesh pieces

    private ReplicationProvider.Slot ensurePermanentSlot(Primary provider, String subscriberNode) {
        String slot = this.provider.slotName(provider.node(), subscriberNode);
        PatroniClient patroni = configs.patroniClient(provider.instance());
        if (!patroni.permanentSlots().contains(slot)) {
            patroni.addPermanentLogicalSlot(slot, provider.node().database(), "pglogical_output");
        }
        return this.provider.ensureSlot(provider.node(), slot);
    }

    private String ensureSubscription(String databaseId, Primary subscriber, String providerNode) {
        String name = ReplicationNames.subscription(providerNode, subscriber.node().name());
        String dsn = dsn(databaseId, providerNode);
        Optional<Subscription> existing = provider.subscription(subscriber.node(), providerNode);
        if (existing.isPresent()) {
            boolean moved = provider.updateProviderDsn(subscriber.node(), providerNode, dsn);
            if (!existing.get().enabled()) {
                provider.setEnabled(subscriber.node(), providerNode, true);
            }
            return name + (moved ? " now connects to the current instances of " + providerNode : " exists");
        }
        ReplicationProvider.Slot slot = ensurePermanentSlot(primary(databaseId, providerNode), subscriber.node().name());
        provider.subscribe(subscriber.node(), providerNode, dsn, slot.name(), slot.confirmedFlushLsn(), true);
        return name + " created";
    }

    // ---- lookups

    /** A node's current primary: its instance, superuser SQL on it, and its replication view. */
    private record Primary(InstanceSpec instance, PostgresAdmin postgres, ReplicationNode node) {
    }

    private Primary primary(String databaseId, String node) {
        InstanceSpec spec = configs.nodePrimary(databaseId, node)
                .orElseThrow(() -> new TransientException("node " + node + " has no primary right now"));
        PostgresAdmin postgres = configs.postgres(spec);
        return new Primary(spec, postgres, new ReplicationNode(node, postgres, spec.databaseName()));
    }

    /** How subscribers reach the node: all its instances, no password (see {@link NodeDsn}). */
    String dsn(String databaseId, String node) {
        List<NodeDsn.Endpoint> endpoints = configs.nodeInstances(databaseId, node).stream()
                .map(s -> new NodeDsn.Endpoint(configs.address(s), s.port())).toList();
        if (endpoints.isEmpty()) {
            throw new TransientException("node " + node + " has no instance with ports yet");
        }
        return new NodeDsn(endpoints, databaseName(databaseId), PatroniInstanceConfig.SUPERUSER,
                ContainerPaths.REPLICATION_PASSFILE).conninfo();
    }

    private String source(String databaseId, String node) {
        return store.nodeCopySource(databaseId, node).orElseThrow(() -> new PermanentException("node " + node
                + " is not waiting for a copy (no /node_copies record); \"Copy roles from source node\" records it"));
    }

    /** The other nodes of the spec that hold their data: every node but this one and unfinished copies. */
    private List<String> peers(String databaseId, String node) {
        Set<String> copies = store.nodeCopies(databaseId).keySet();
        return spec(databaseId).nodes().stream().map(DatabaseNodeSpec::name)
                .filter(n -> !n.equals(node) && !copies.contains(n)).toList();
    }

    private DatabaseSpec spec(String databaseId) {
        return store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
    }

    private String databaseName(String databaseId) {
        return spec(databaseId).databaseName();
    }

    private static void await(Duration limit, BooleanSupplier condition, String failure) {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new TransientException(failure);
            }
            InstanceLifecycle.sleep(Duration.ofMillis(100));
        }
    }

    /** A WAL position {@code X/Y} as a number, for comparisons. */
    static final class Lsn {
        private Lsn() {
        }

        static long of(String lsn) {
            if (lsn == null || lsn.isBlank()) {
                return 0;
            }
            int slash = lsn.indexOf('/');
            return (Long.parseUnsignedLong(lsn.substring(0, slash), 16) << 32) | Long.parseUnsignedLong(lsn.substring(slash + 1), 16);
        }
    }
}
