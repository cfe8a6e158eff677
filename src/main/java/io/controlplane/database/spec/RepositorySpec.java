package io.controlplane.database.spec;

import java.util.Map;
import java.util.Optional;

/**
 * What backup and restore repositories share, so repository rules, redaction and secret retention
 * are written once for both.
 */
public sealed interface RepositorySpec permits BackupRepositorySpec, RestoreRepositorySpec {

    RepositoryLocation location();

    default Optional<String> id() { return Optional.ofNullable(location().idOrNull()); }
    default String type() { return location().type(); }
    default Optional<String> s3Bucket() { return Optional.ofNullable(location().s3BucketOrNull()); }
    default Optional<String> s3Region() { return Optional.ofNullable(location().s3RegionOrNull()); }
    default Optional<String> s3Endpoint() { return Optional.ofNullable(location().s3EndpointOrNull()); }
    default Optional<String> s3Key() { return Optional.ofNullable(location().s3KeyOrNull()); }
    default Optional<String> s3KeySecret() { return Optional.ofNullable(location().s3KeySecretOrNull()); }
    default Optional<String> gcsBucket() { return Optional.ofNullable(location().gcsBucketOrNull()); }
    default Optional<String> gcsEndpoint() { return Optional.ofNullable(location().gcsEndpointOrNull()); }
    default Optional<String> gcsKey() { return Optional.ofNullable(location().gcsKeyOrNull()); }
    default Optional<String> azureAccount() { return Optional.ofNullable(location().azureAccountOrNull()); }
    default Optional<String> azureContainer() { return Optional.ofNullable(location().azureContainerOrNull()); }
    default Optional<String> azureEndpoint() { return Optional.ofNullable(location().azureEndpointOrNull()); }
    default Optional<String> azureKey() { return Optional.ofNullable(location().azureKeyOrNull()); }
    default Optional<String> basePath() { return Optional.ofNullable(location().basePathOrNull()); }
    default Map<String, String> customOptions() { return location().customOptions(); }

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
