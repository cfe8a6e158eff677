package io.controlplane.database.spec;

import java.util.Objects;
import java.util.Optional;

/** Body of {@code POST /v1/databases}; a missing id is replaced by a random UUID by the caller. */
public record CreateDatabaseRequest(String idOrNull, String tenantIdOrNull, DatabaseSpec spec) {

    public CreateDatabaseRequest {
        Objects.requireNonNull(spec, "spec");
    }

    public Optional<String> id() { return Optional.ofNullable(idOrNull); }
    public Optional<String> tenantId() { return Optional.ofNullable(tenantIdOrNull); }
}
