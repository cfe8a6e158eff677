package io.controlplane.database.spec;

import java.util.Optional;

/** Orchestrator-specific options; a node-level value replaces the database-level one, not merged. */
public record OrchestratorOpts(SwarmOpts swarmOrNull) {

    public Optional<SwarmOpts> swarm() {
        return Optional.ofNullable(swarmOrNull);
    }

    /**
     * The same options with another explicit Swarm image; null removes an explicit image (the image
     * manifest then decides), without adding Swarm options that were not there.
     */
    public OrchestratorOpts withImage(String image) {
        if (swarmOrNull == null) {
            return image == null ? this
                    : new OrchestratorOpts(new SwarmOpts(null, null, null, image));
        }
        return new OrchestratorOpts(swarmOrNull.withImage(image));
    }
}
