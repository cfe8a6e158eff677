package io.controlplane.cluster;

import java.util.Map;

/**
 * A host's own view of its health, stored at {@code /host_statuses/<host_id>} under a lease: when the
 * host stops renewing it, the key expires and readers report {@code unreachable}.
 */
public record HostStatus(String state, String updatedAt, Map<String, Component> components) {

    public record Component(boolean healthy, String error) {
    }
}
