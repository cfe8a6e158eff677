package io.controlplane.database.spec;

import java.util.Objects;

/** The pgBackRest repository a restore reads from: a backup repository without retention. */
public record RestoreRepositorySpec(RepositoryLocation location) implements RepositorySpec {

    public RestoreRepositorySpec {
        Objects.requireNonNull(location, "location");
    }

    RestoreRepositorySpec withSecrets(Secrets s) {
        return new RestoreRepositorySpec(location.withSecrets(s));
    }

    @Override
    public String toString() {
        // Keys must never reach a log line through toString.
        return "RestoreRepositorySpec[" + identity() + "]";
    }
}
