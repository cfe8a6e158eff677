package io.controlplane.database;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code /instance_statuses/<database_id>/<instance_id>}: what the instance monitor on the instance's
 * host last saw from Patroni.
 *
 * @param patroniState e.g. {@code running}, {@code starting}, {@code stopped}; null when Patroni did not answer
 * @param role         {@code primary} or {@code replica}
 */
public record InstanceStatus(
        @JsonProperty("patroni_state") String patroniStateOrNull,
        @JsonProperty("role") String roleOrNull,
        boolean pendingRestart,
        @JsonProperty("version") String versionOrNull,
        @JsonProperty("service_state") String serviceStateOrNull,
        @JsonProperty("error") String errorOrNull,
        Instant updatedAt) {

    public Optional<String> patroniState() { return Optional.ofNullable(patroniStateOrNull); }
    public Optional<String> role() { return Optional.ofNullable(roleOrNull); }
    public Optional<String> version() { return Optional.ofNullable(versionOrNull); }
    public Optional<String> error() { return Optional.ofNullable(errorOrNull); }
}
