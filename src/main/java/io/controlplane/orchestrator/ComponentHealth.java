package io.controlplane.orchestrator;

import java.util.Map;

/** One entry of a host's {@code status.components}. */
public record ComponentHealth(boolean healthy, String errorOrNull, Map<String, Object> details) {

    public ComponentHealth {
        details = Map.copyOf(details);
    }

    public static ComponentHealth ok(Map<String, Object> details) {
        return new ComponentHealth(true, null, details);
    }

    public static ComponentHealth failed(String error) {
        return new ComponentHealth(false, error, Map.of());
    }
}
