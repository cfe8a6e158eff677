package io.controlplane.etcd.store;

import io.etcd.jetcd.election.LeaderKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This process leads an election until it resigns, closes, or its lease expires (for example
 * after losing etcd for longer than the TTL). Check {@link #isHeld()} before acting as leader on
 * anything that matters.
 */
public final class Leadership implements AutoCloseable {

    private final EtcdStore store;
    private final String election;
    private final LeaderKey leaderKey;
    private final long leaseId;
    private final Subscription keepAlive;
    private final AtomicBoolean released = new AtomicBoolean();

    Leadership(EtcdStore store, String election, LeaderKey leaderKey, long leaseId, Subscription keepAlive) {
        this.store = store;
        this.election = election;
        this.leaderKey = leaderKey;
        this.leaseId = leaseId;
        this.keepAlive = keepAlive;
    }

    /** The election name as passed to {@code campaign} (without the key root). */
    public String election() {
        return election;
    }

    public long leaseId() {
        return leaseId;
    }

    /** The full etcd key holding the leader's value (election name plus lease id). */
    public String leaderKey() {
        return leaderKey.getKey().toString(StandardCharsets.UTF_8);
    }

    /** True while the leader key still exists under our lease. */
    public boolean isHeld() {
        return !released.get() && store.rawLeaseOf(leaderKey()) == leaseId;
    }

    /** Steps down and lets the next campaigner win; idempotent. */
    public void resign() {
        if (released.compareAndSet(false, true)) {
            try {
                store.resign(leaderKey);
            } finally {
                keepAlive.close();
                store.revokeLeaseQuietly(leaseId);
            }
        }
    }

    @Override
    public void close() {
        resign();
    }
}
