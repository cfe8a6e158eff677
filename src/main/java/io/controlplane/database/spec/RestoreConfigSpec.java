package io.controlplane.database.spec;

import java.util.Map;
import java.util.Objects;

/** Creates a node from a pgBackRest backup of another database instead of from an empty cluster. */
public record RestoreConfigSpec(
        String sourceDatabaseId,
        String sourceNodeName,
        String sourceDatabaseName,
        RestoreRepositorySpec repository,
        Map<String, String> restoreOptions) {

    public RestoreConfigSpec {
        Objects.requireNonNull(sourceDatabaseId, "sourceDatabaseId");
        Objects.requireNonNull(sourceNodeName, "sourceNodeName");
        Objects.requireNonNull(sourceDatabaseName, "sourceDatabaseName");
        Objects.requireNonNull(repository, "repository");
        restoreOptions = Collections2.map(restoreOptions);
    }

    RestoreConfigSpec withRepository(RestoreRepositorySpec repo) {
        return new RestoreConfigSpec(sourceDatabaseId, sourceNodeName, sourceDatabaseName, repo, restoreOptions);
    }
}
