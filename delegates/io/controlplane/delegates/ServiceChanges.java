package io.controlplane.delegates;

import io.controlplane.orchestrator.ServiceChange;

/** The task-log line for what "Create Swarm service" / "Update Swarm service" did. */
final class ServiceChanges {

    private ServiceChanges() {
    }

    static String describe(ServiceChange change, String instanceId) {
        return switch (change) {
            case CREATED -> "created service postgres-" + instanceId;
            case UPDATED -> "updated service postgres-" + instanceId + " (its container is replaced)";
            case UNCHANGED -> "service postgres-" + instanceId + " is up to date";
        };
    }
}
