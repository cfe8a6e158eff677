package io.controlplane.database.spec;

import java.util.Objects;

/** A host directory bind-mounted read-write into the Postgres container. */
public record ExtraVolume(String hostPath, String destinationPath) {

    public ExtraVolume {
        Objects.requireNonNull(hostPath, "hostPath");
        Objects.requireNonNull(destinationPath, "destinationPath");
    }
}
