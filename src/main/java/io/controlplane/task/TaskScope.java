package io.controlplane.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

public enum TaskScope {
    DATABASE, HOST;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TaskScope> parse(String s) {
        for (TaskScope scope : values()) {
            if (scope.wire().equals(s)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
