package io.controlplane.replication;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What a node's primary says about replication, in the shape of pgEdge's instance {@code spock} block.
 *
 * @param readOnly {@code off}, or {@code all} while the server refuses writes by default
 *                 ({@code default_transaction_read_only}); pglogical has no read-only mode of its own
 * @param version  the replication extension's version
 * @param lagBytes per subscriber node: how many bytes of this provider's WAL its subscription has not yet
 *                 confirmed (the provider-side slot's {@code confirmed_flush_lsn} behind the current WAL
 *                 position); for the metrics, not part of pgEdge's API block
 */
public record ReplicationStatus(@JsonProperty("read_only") String readOnly, String version,
                                List<SubscriptionStatus> subscriptions,
                                @JsonProperty("lag_bytes") Map<String, Long> lagBytes) {

    public ReplicationStatus {
        subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
        lagBytes = lagBytes == null ? Map.of() : Map.copyOf(lagBytes);
    }

    public ReplicationStatus(String readOnly, String version, List<SubscriptionStatus> subscriptions) {
        this(readOnly, version, subscriptions, Map.of());
    }

    /** One subscription as the API shows it. */
    public record SubscriptionStatus(String name, @JsonProperty("provider_node") String providerNode, String status) {
    }
}
