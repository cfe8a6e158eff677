package io.controlplane.replication;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a node's primary says about replication, in the shape of pgEdge's instance {@code spock} block.
 *
 * @param readOnly {@code off}, or {@code all} while the server refuses writes by default
 *                 ({@code default_transaction_read_only}); pglogical has no read-only mode of its own
 * @param version  the replication extension's version
 */
public record ReplicationStatus(@JsonProperty("read_only") String readOnly, String version,
                                List<SubscriptionStatus> subscriptions) {

    public ReplicationStatus {
        subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
    }

    /** One subscription as the API shows it. */
    public record SubscriptionStatus(String name, @JsonProperty("provider_node") String providerNode, String status) {
    }
}
