package io.controlplane.engine;

import java.util.Map;
import java.util.Set;

/**
 * The code behind one kind of BPMN service task. A service task names its handler in its external
 * task topic, {@code <handler>@<host id>} or {@code <handler>@any}.
 *
 * <p>Handlers run at least once per step (a crash, an expired lock or a Cockpit retry runs them
 * again), so each one checks the real state first and does only what is missing. Failures are told
 * apart by type: {@link io.controlplane.common.TransientException} (and anything unexpected) is
 * retried with a backoff, {@link io.controlplane.common.PermanentException} raises an incident at
 * once, {@link io.controlplane.common.OperationFailedException} ends the operation as failed.
 */
public interface StepHandler {

    /** The handler name used in topics; by convention the BPMN element id of the step. */
    String name();

    /** Runs the step; returns the process variables it sets (strings, numbers, booleans). */
    Map<String, Object> execute(StepContext context);

    /**
     * The names of the process variables {@link #execute} sets, so that a deployment can check the
     * expressions that read them (none by default).
     */
    default Set<String> outputs() {
        return Set.of();
    }
}
