package io.controlplane.orchestrator;

/** What {@link Orchestrator#ensureService} did. */
public enum ServiceChange {
    CREATED, UPDATED, UNCHANGED
}
