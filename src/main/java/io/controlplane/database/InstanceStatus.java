package io.controlplane.database;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.controlplane.replication.ReplicationStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code /instance_statuses/<database_id>/<instance_id>}: what the instance monitor on the instance's
 * host last saw from Patroni.
 *
 * @param patroniState e.g. {@code running}, {@code starting}, {@code stopped}; null when Patroni did not answer
 * @param role         {@code primary} or {@code replica}
 * @param patroniPaused Patroni is paused (maintenance mode): it does not fail over or restart Postgres
 * @param spock        replication as the primary reports it (pgEdge's name for the block); null elsewhere
 * @param replicationLagBytes a replica's streaming lag behind its primary, in bytes, as Patroni's
 *                     {@code /cluster} reports it; null for a primary or when Patroni does not know it
 */
public record InstanceStatus(
        @JsonProperty("patroni_state") String patroniStateOrNull,
        @JsonProperty("role") String roleOrNull,
        boolean pendingRestart,
        @JsonProperty("version") String versionOrNull,
        @JsonProperty("service_state") String serviceStateOrNull,
        @JsonProperty("error") String errorOrNull,
        Instant updatedAt,
        boolean patroniPaused,
        @JsonProperty("spock") ReplicationStatus spockOrNull,
        @JsonProperty("replication_lag_bytes") Long replicationLagBytesOrNull) {

    /** A status without replication details (a replica, or Patroni did not answer) and not paused. */
    public InstanceStatus(String patroniStateOrNull, String roleOrNull, boolean pendingRestart, String versionOrNull,
                          String serviceStateOrNull, String errorOrNull, Instant updatedAt) {
        this(patroniStateOrNull, roleOrNull, pendingRestart, versionOrNull, serviceStateOrNull, errorOrNull, updatedAt,
                false, null, null);
    }

    /** A status without a replica's streaming lag. */
    public InstanceStatus(String patroniStateOrNull, String roleOrNull, boolean pendingRestart, String versionOrNull,
                          String serviceStateOrNull, String errorOrNull, Instant updatedAt, boolean patroniPaused,
                          ReplicationStatus spockOrNull) {
        this(patroniStateOrNull, roleOrNull, pendingRestart, versionOrNull, serviceStateOrNull, errorOrNull, updatedAt,
                patroniPaused, spockOrNull, null);
    }

    public Optional<String> patroniState() { return Optional.ofNullable(patroniStateOrNull); }
    public Optional<String> role() { return Optional.ofNullable(roleOrNull); }
    public Optional<String> version() { return Optional.ofNullable(versionOrNull); }
    public Optional<String> error() { return Optional.ofNullable(errorOrNull); }
    public Optional<ReplicationStatus> spock() { return Optional.ofNullable(spockOrNull); }
    public Optional<Long> replicationLagBytes() { return Optional.ofNullable(replicationLagBytesOrNull); }
}
