package io.controlplane.database;

import java.time.Instant;

/**
 * {@code /node_operations/<database_id>/<node>}: the HA operation (switchover, failover, restart, stop or
 * start of one of its instances) that holds a node, so that a second one for the same node is refused
 * while it runs. Its process's end releases it; a claim whose task has ended is stale and taken over.
 */
public record NodeOperation(String taskId, String type, Instant claimedAt) {
}
