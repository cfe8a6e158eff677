package io.controlplane.engine;

import io.controlplane.task.TaskScope;

/**
 * What an ops engineer's operation works on (a database, a host), as far as the engine needs to know
 * it: whether it exists, whether it may run now (a database runs one operation at a time), and how
 * it is left when the operation ends. Implemented next to what it guards (the database and cluster
 * packages); the engine only calls it.
 */
public interface OperationGate {

    TaskScope scope();

    /**
     * Whether the entity exists and may run an operation now, without claiming it (an early answer; the
     * claim decides).
     *
     * @throws OperationRefusedException when it does not exist or may not run an operation now
     */
    void check(String entityId);

    /**
     * Claims the entity for an operation that is about to start, or refuses it.
     *
     * @return what gives the claim back when the operation could not start after all
     * @throws OperationRefusedException when the entity does not exist or may not run an operation now
     */
    Runnable claim(String entityId, String processKey);

    /** The operation ended: {@code completed}, or failed or canceled with {@code error}. */
    void ended(String entityId, boolean completed, String error);
}
