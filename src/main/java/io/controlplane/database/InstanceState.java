package io.controlplane.database;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Instance states of reference §5.6. */
public enum InstanceState {
    CREATING, MODIFYING, DELETING, BACKING_UP, AVAILABLE, DEGRADED, FAILED, STOPPED, UNKNOWN;

    public boolean inProgress() {
        return this == CREATING || this == MODIFYING || this == DELETING || this == BACKING_UP;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
