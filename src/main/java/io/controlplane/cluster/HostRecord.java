package io.controlplane.cluster;

import java.util.List;

/** What a host tells the cluster about itself, stored at {@code /hosts/<host_id>}. */
public record HostRecord(String id, String orchestrator, String dataDir, List<String> peerAddresses,
                         List<String> clientAddresses, int cpus, long memoryBytes, String etcdMode,
                         int httpPort, String version) {
}
