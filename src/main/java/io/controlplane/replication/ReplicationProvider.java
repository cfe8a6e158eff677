package io.controlplane.replication;

import java.util.List;
import java.util.Optional;

/**
 * The replication SQL of one node's primary, whatever extension does the replication (pglogical 2 now;
 * Spock's functions differ only in names). Every call is idempotent: it checks the catalog first and does
 * only what is missing, so a BPMN step that uses it can run again after a crash or a retry. Connection
 * strings hold no password ({@link NodeDsn}) and are never logged.
 *
 * <p>Subscriptions are named {@link ReplicationNames#subscription} and addressed by their provider node.
 */
public interface ReplicationProvider {

    /** The extension, and this database as replication node {@code node.name()} reachable at {@code dsn}. */
    void ensureNode(ReplicationNode node, String dsn);

    /**
     * Automatic DDL replication (DDL on this node is queued for every subscriber, new tables join a
     * replication set by themselves) and every existing table in its replication set.
     *
     * @return how many tables were put into a replication set now
     */
    int installDdlReplication(ReplicationNode node);

    /** The slot name a subscription of {@code subscriberNode} to {@code provider} uses on the provider. */
    String slotName(ReplicationNode provider, String subscriberNode);

    /** The provider-side slot, if it exists. */
    Optional<Slot> slot(ReplicationNode provider, String slotName);

    /** Creates the slot when it is missing; returns it (its position is where it was created). */
    Slot ensureSlot(ReplicationNode provider, String slotName);

    /**
     * Drops the slot; a slot still in use is freed first by ending the connection that uses it.
     *
     * @return whether there was a slot
     */
    boolean dropSlot(ReplicationNode provider, String slotName);

    /** The node's subscriptions; empty when replication is not installed. */
    List<Subscription> subscriptions(ReplicationNode subscriber);

    default Optional<Subscription> subscription(ReplicationNode subscriber, String providerNode) {
        String name = ReplicationNames.subscription(providerNode, subscriber.name());
        return subscriptions(subscriber).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Subscribes to {@code providerNode} through the existing slot {@code slotName}, starting after LSN
     * {@code startLsn}: nothing is copied, everything the provider commits after that point is applied.
     */
    void subscribe(ReplicationNode subscriber, String providerNode, String providerDsn, String slotName,
                   String startLsn, boolean enabled);

    /**
     * Subscribes to {@code providerNode} and copies its schema and data first, consistently: the provider
     * takes a snapshot, the copy is that snapshot, replication continues from it.
     */
    void subscribeWithCopy(ReplicationNode subscriber, String providerNode, String providerDsn);

    /** Enables or disables the subscription; disabling stops its apply at once. */
    void setEnabled(ReplicationNode subscriber, String providerNode, boolean enabled);

    /** Stops and starts the subscription's apply (after a leader change it may wait minutes otherwise). */
    void restart(ReplicationNode subscriber, String providerNode);

    /** Whether an apply process of the subscription runs right now. */
    boolean applying(ReplicationNode subscriber, String providerNode);

    /** The provider LSN up to which the subscription has applied (committed) the provider's changes. */
    String appliedUpTo(ReplicationNode subscriber, String providerNode);

    /** Points the subscription at {@code providerDsn} when it uses another connection string. */
    boolean updateProviderDsn(ReplicationNode subscriber, String providerNode, String providerDsn);

    /** Drops the subscription (and the subscriber's record of the provider when nothing else uses it). */
    boolean unsubscribe(ReplicationNode subscriber, String providerNode);

    /**
     * Commits a small replicated transaction on the provider, so its subscribers' progress moves past
     * this point even when nobody writes.
     *
     * @return the provider's WAL position after it
     */
    String emitMarker(ReplicationNode provider);

    /** For the instance's {@code spock} block; empty when replication is not installed. */
    Optional<ReplicationStatus> status(ReplicationNode node);

    /** Copies the current value of every sequence of {@code source} to {@code target} when it is behind. */
    int copySequences(ReplicationNode source, ReplicationNode target);

    /** A provider-side replication slot. */
    record Slot(String name, String plugin, String database, boolean active, String confirmedFlushLsn) {
    }
}
