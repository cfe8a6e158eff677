package io.controlplane.database;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Optional;

/** {@code /databases/<id>}: the database's state; its spec is stored next to it. */
public record DatabaseRecord(
        String id,
        @JsonProperty("tenant_id") String tenantIdOrNull,
        DatabaseState state,
        Instant createdAt,
        Instant updatedAt,
        @JsonProperty("error") String errorOrNull) {

    public Optional<String> tenantId() { return Optional.ofNullable(tenantIdOrNull); }
    public Optional<String> error() { return Optional.ofNullable(errorOrNull); }

    public DatabaseRecord withState(DatabaseState newState, String error, Instant now) {
        return new DatabaseRecord(id, tenantIdOrNull, newState, createdAt, now, error);
    }
}
