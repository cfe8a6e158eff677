package io.controlplane.postgres;

/** One row of {@code pg_stat_replication} on the server we are connected to. */
public record ReplicationPeer(String usename, String applicationName, String state) {
}
