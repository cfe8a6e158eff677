package io.controlplane.cluster;

import java.util.Map;

/**
 * A host's own view of its health, stored at {@code /host_statuses/<host_id>} under a lease: when the
 * host stops renewing it, the key expires and readers report {@code unreachable}. Its {@code updatedAt} is
 * also kept without a lease at {@code /host_status_times/<host_id>}, so a lost host still tells when it was
 * last heard from (pgEdge's clients require {@code status.updated_at}).
 */
public record HostStatus(String state, String updatedAt, Map<String, Component> components) {

    public record Component(boolean healthy, String error) {
    }
}
