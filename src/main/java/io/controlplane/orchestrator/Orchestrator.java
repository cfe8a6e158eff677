package io.controlplane.orchestrator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs services on the local host's orchestrator. Every call is idempotent, so BPMN steps can call it
 * again after a crash or a retry. Services are pinned to the host that calls {@link #ensureService}:
 * steps that touch an instance run on that instance's host.
 *
 * <p>Failures: an unreachable daemon or a timeout is a {@link io.controlplane.common.TransientException};
 * a spec the orchestrator refuses (missing image, bad mount) is a
 * {@link io.controlplane.common.PermanentException} with the orchestrator's message.
 */
public interface Orchestrator {

    /**
     * Creates the service, or updates it when the running spec differs from {@code spec} (an update
     * replaces the container). Does nothing when they are equal.
     */
    ServiceChange ensureService(ServiceSpec spec);

    /** Removes the service and waits until its containers are gone; false when there was no such service. */
    boolean removeService(String name, Duration timeout);

    Optional<ServiceStatus> serviceStatus(String name);

    /**
     * Sets the number of replicas of the service (0 stops its container, 1 starts it again) without
     * changing its spec, and waits until that many containers run; returns false when it already had
     * that many. A stopped service stays stopped across {@link #ensureService} as long as its spec is
     * unchanged.
     */
    boolean scaleService(String name, int replicas, Duration timeout);

    /** Replaces the running container of the service without changing its spec (a restart). */
    void restartService(String name);

    /**
     * Runs {@code command} in the running container of the service on this host, as the container's
     * user, and hands each line it writes (stdout and stderr) to {@code lines} as it comes. A command that
     * outlives {@code timeout} is left running and the call fails transiently.
     *
     * @throws io.controlplane.common.TransientException when the service has no running container here
     */
    ExecResult exec(String serviceName, List<String> command, Duration timeout, Consumer<String> lines);

    /** Names of the services that carry all the given labels. */
    List<String> listServices(Map<String, String> labels);

    boolean imageExists(String image);

    /** Whether the orchestrator answers, for the host's {@code components} report. */
    ComponentHealth health();
}
