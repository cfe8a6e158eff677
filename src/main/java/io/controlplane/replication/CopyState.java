package io.controlplane.replication;

/** Where the initial copy of a subscription that copies its provider's data is. */
public enum CopyState {
    /** Not started: the provider's snapshot is not taken yet. */
    STARTING,
    /** Snapshot taken; schema, then data, then indexes and constraints are being copied. */
    COPYING,
    /** Copied; the subscription catches up with what its provider committed since the snapshot. */
    CATCHING_UP,
    /** Copied (or there was nothing to copy); the subscription replicates. */
    READY;

    /** pglogical's {@code local_sync_status.sync_status}. */
    static CopyState ofPglogical(String status) {
        if (status == null || status.isEmpty()) {
            return READY;
        }
        return switch (status.charAt(0)) {
            case 'i' -> STARTING;
            case 's', 'd', 'c' -> COPYING;
            case 'u', 'w', 'y' -> CATCHING_UP;
            default -> READY;
        };
    }
}
