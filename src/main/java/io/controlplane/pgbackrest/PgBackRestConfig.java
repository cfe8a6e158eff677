package io.controlplane.pgbackrest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one {@code pgbackrest.*.conf} of an instance is made of. Holds repository keys and cipher
 * passwords, so toString names only the instance.
 *
 * @param lockPath     per instance, so two instances on one host never share a lock
 * @param repositories in repository index order (repo1, repo2, ...)
 */
public record PgBackRestConfig(String instanceId, String lockPath, List<Repository> repositories, Stanza stanza) {

    /** The stanza name is always {@code db} (reference §6.4). */
    public static final String STANZA = "db";

    public PgBackRestConfig {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(lockPath, "lockPath");
        repositories = List.copyOf(repositories);
        Objects.requireNonNull(stanza, "stanza");
    }

    /**
     * One repository: its id in the spec (empty when the spec gives none), its type and path, and its
     * other settings as pgBackRest names them without the {@code repoN-} prefix ({@code s3-bucket}, ...).
     */
    public record Repository(String id, String type, String path, Map<String, String> options) {
        public Repository {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(path, "path");
            options = Map.copyOf(options);
        }

        @Override
        public String toString() {
            return "Repository[" + type + ":" + id + " " + path + "]";
        }
    }

    /** The Postgres of the instance itself: pgBackRest connects over the local socket as the superuser. */
    public record Stanza(String pgPath, int port, String socketPath, String user) {
    }

    @Override
    public String toString() {
        return "PgBackRestConfig[" + instanceId + ", " + repositories.size() + " repositories]";
    }
}
