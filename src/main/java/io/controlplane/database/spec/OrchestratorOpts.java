package io.controlplane.database.spec;

import java.util.Optional;

/** Orchestrator-specific options; a node-level value replaces the database-level one, not merged. */
public record OrchestratorOpts(SwarmOpts swarmOrNull) {

    public Optional<SwarmOpts> swarm() {
        return Optional.ofNullable(swarmOrNull);
    }
}
