package io.controlplane.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum TaskStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELING, CANCELED, UNKNOWN,
    /**
     * A step raised an incident and the operation waits for a person. It reads {@code failed} (with the
     * incident's message) so that a client polling the task stops waiting, but it is not final: a retry
     * (Cockpit, or {@code POST .../tasks/{id}/retry}) moves it back to {@code running}, a cancel ends it.
     */
    INCIDENT;

    @JsonValue
    public String wire() {
        return this == INCIDENT ? "failed" : name().toLowerCase(Locale.ROOT);
    }

    /** Once terminal, status, error and completion time never change again. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELED;
    }

    /** A process still runs for the task (it may wait on an incident): it can be canceled or retried. */
    public boolean isActive() {
        return this == PENDING || this == RUNNING || this == INCIDENT;
    }
}
