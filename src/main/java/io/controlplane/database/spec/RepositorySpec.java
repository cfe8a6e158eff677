package io.controlplane.database.spec;

import java.util.Map;
import java.util.Optional;

/**
 * What backup and restore repositories share, so repository rules, redaction and secret retention
 * are written once for both.
 */
public sealed interface RepositorySpec permits BackupRepositorySpec, RestoreRepositorySpec {

    Optional<String> id();

    String type();

    Optional<String> s3Bucket();

    Optional<String> s3Region();

    Optional<String> s3Endpoint();

    Optional<String> s3Key();

    Optional<String> s3KeySecret();

    Optional<String> gcsBucket();

    Optional<String> gcsEndpoint();

    Optional<String> gcsKey();

    Optional<String> azureAccount();

    Optional<String> azureContainer();

    Optional<String> azureEndpoint();

    Optional<String> azureKey();

    Optional<String> basePath();

    Map<String, String> customOptions();

    /**
     * The identity pgEdge uses to match a repository of an updated spec with the stored one: secrets
     * are carried over only to the same repository, never to a different bucket or account.
     */
    default String identity() {
        String bucket = s3Bucket().or(this::gcsBucket)
                .or(() -> azureAccount().map(a -> a + "/" + azureContainer().orElse("")))
                .orElse("");
        String endpoint = s3Endpoint().or(this::gcsEndpoint).or(this::azureEndpoint).orElse("");
        return String.join(":", type(), id().orElse(""), bucket, endpoint, s3Region().orElse(""),
                basePath().orElse(""));
    }
}
