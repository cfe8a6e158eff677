package io.controlplane.pgbackrest;

import io.controlplane.database.spec.BackupConfigSpec;
import io.controlplane.database.spec.BackupRepositorySpec;
import io.controlplane.database.spec.RepositorySpec;
import io.controlplane.database.spec.RestoreConfigSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link PgBackRestConfig} of an instance from the spec: the backup config writes to the
 * node's own path in each repository, the restore config reads from the source database and node's
 * path. Secrets come with the spec (it is read from etcd) and go only into the rendered file.
 */
public final class PgBackRestConfigs {

    /** Where per-instance lock files go inside the container (its own /tmp). */
    static final String LOCK_ROOT = "/tmp/pgbackrest/";
    static final int DEFAULT_RETENTION_FULL = 7;
    static final String DEFAULT_RETENTION_FULL_TYPE = "time";
    /** pgBackRest requires a region; S3-compatible servers that ignore it accept this one. */
    static final String DEFAULT_S3_REGION = "us-east-1";

    private PgBackRestConfigs() {
    }

    public static PgBackRestConfig backup(String instanceId, String databaseId, String nodeName,
                                          BackupConfigSpec config, PgBackRestConfig.Stanza stanza) {
        List<PgBackRestConfig.Repository> repos = new ArrayList<>();
        for (BackupRepositorySpec r : config.repositories()) {
            Map<String, String> options = locationOptions(r);
            options.put("retention-full", String.valueOf(r.retentionFull().orElse(DEFAULT_RETENTION_FULL)));
            options.put("retention-full-type", r.retentionFullType().orElse(DEFAULT_RETENTION_FULL_TYPE));
            options.putAll(r.customOptions());
            repos.add(new PgBackRestConfig.Repository(r.id().orElse(""), r.type(), path(r, databaseId, nodeName),
                    options));
        }
        return new PgBackRestConfig(instanceId, LOCK_ROOT + instanceId, repos, stanza);
    }

    public static PgBackRestConfig restore(String instanceId, RestoreConfigSpec config, PgBackRestConfig.Stanza stanza) {
        RepositorySpec r = config.repository();
        Map<String, String> options = locationOptions(r);
        options.putAll(r.customOptions());
        PgBackRestConfig.Repository repo = new PgBackRestConfig.Repository(r.id().orElse(""), r.type(),
                path(r, config.sourceDatabaseId(), config.sourceNodeName()), options);
        return new PgBackRestConfig(instanceId, LOCK_ROOT + instanceId, List.of(repo), stanza);
    }

    /** The repository's path for a node of a database. */
    public static String path(RepositorySpec r, String databaseId, String nodeName) {
        return RepositoryPaths.path(r.basePath().orElse(""), databaseId, r.id().orElse(""), nodeName);
    }

    /** Type-specific settings (reference §6.4); {@code cifs} is a mounted directory like {@code posix}. */
    private static Map<String, String> locationOptions(RepositorySpec r) {
        Map<String, String> o = new LinkedHashMap<>();
        if (r.type().equals("s3")) {
            o.put("s3-bucket", r.s3Bucket().orElseThrow());
            String region = r.s3Region().orElse(DEFAULT_S3_REGION);
            o.put("s3-region", region);
            o.put("s3-endpoint", r.s3Endpoint().orElse(r.s3Region().map(x -> "s3." + x + ".amazonaws.com")
                    .orElse("s3.amazonaws.com")));
            if (r.s3Key().isPresent() || r.s3KeySecret().isPresent()) {
                o.put("s3-key-type", "shared");
                r.s3Key().ifPresent(k -> o.put("s3-key", k));
                r.s3KeySecret().ifPresent(k -> o.put("s3-key-secret", k));
            } else {
                o.put("s3-key-type", "auto");
            }
        }
        return o;
    }
}
