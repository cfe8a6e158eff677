package io.controlplane.orchestrator;

import java.util.Optional;

/**
 * The newest task of a service as the orchestrator sees it.
 *
 * @param taskState   e.g. {@code running}, {@code starting}, {@code failed}, {@code shutdown}
 * @param message     the task's status message or error, e.g. {@code task: non-zero exit (1)}
 * @param health      the container's health ({@code starting}, {@code healthy}, {@code unhealthy}) when known
 */
public record ServiceStatus(String name, String taskState, String messageOrNull, String containerIdOrNull,
                            String healthOrNull, int runningTasks) {

    public Optional<String> message() {
        return Optional.ofNullable(messageOrNull);
    }

    public Optional<String> containerId() {
        return Optional.ofNullable(containerIdOrNull);
    }

    public Optional<String> health() {
        return Optional.ofNullable(healthOrNull);
    }

    public boolean running() {
        return runningTasks > 0;
    }
}
