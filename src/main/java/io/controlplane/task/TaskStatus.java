package io.controlplane.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum TaskStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELING, CANCELED, UNKNOWN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Once terminal, status, error and completion time never change again. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELED;
    }
}
