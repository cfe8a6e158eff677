package io.controlplane.database;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Database states of reference §5.6. Only modifiable states accept a new operation. */
public enum DatabaseState {
    CREATING, MODIFYING, AVAILABLE, DELETING, DEGRADED, FAILED, RESTORING, UNKNOWN;

    public boolean modifiable() {
        return this == AVAILABLE || this == DEGRADED || this == FAILED;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
