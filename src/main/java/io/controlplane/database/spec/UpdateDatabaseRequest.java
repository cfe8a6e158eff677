package io.controlplane.database.spec;

import java.util.Objects;
import java.util.Optional;

/** Body of {@code POST /v1/databases/{id}}: the whole new spec, secrets may be omitted. */
public record UpdateDatabaseRequest(String tenantIdOrNull, DatabaseSpec spec) {

    public UpdateDatabaseRequest {
        Objects.requireNonNull(spec, "spec");
    }

    public Optional<String> tenantId() { return Optional.ofNullable(tenantIdOrNull); }
}
