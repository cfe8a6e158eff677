package io.controlplane.database.spec;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The pgBackRest repository a restore reads from: a backup repository without retention. */
public record RestoreRepositorySpec(
        String idOrNull,
        String type,
        String s3BucketOrNull,
        String s3RegionOrNull,
        String s3EndpointOrNull,
        String s3KeyOrNull,
        String s3KeySecretOrNull,
        String gcsBucketOrNull,
        String gcsEndpointOrNull,
        String gcsKeyOrNull,
        String azureAccountOrNull,
        String azureContainerOrNull,
        String azureEndpointOrNull,
        String azureKeyOrNull,
        String basePathOrNull,
        Map<String, String> customOptions) implements RepositorySpec {

    public RestoreRepositorySpec {
        Objects.requireNonNull(type, "type");
        customOptions = Collections2.map(customOptions);
    }

    public Optional<String> id() { return Optional.ofNullable(idOrNull); }
    public Optional<String> s3Bucket() { return Optional.ofNullable(s3BucketOrNull); }
    public Optional<String> s3Region() { return Optional.ofNullable(s3RegionOrNull); }
    public Optional<String> s3Endpoint() { return Optional.ofNullable(s3EndpointOrNull); }
    public Optional<String> s3Key() { return Optional.ofNullable(s3KeyOrNull); }
    public Optional<String> s3KeySecret() { return Optional.ofNullable(s3KeySecretOrNull); }
    public Optional<String> gcsBucket() { return Optional.ofNullable(gcsBucketOrNull); }
    public Optional<String> gcsEndpoint() { return Optional.ofNullable(gcsEndpointOrNull); }
    public Optional<String> gcsKey() { return Optional.ofNullable(gcsKeyOrNull); }
    public Optional<String> azureAccount() { return Optional.ofNullable(azureAccountOrNull); }
    public Optional<String> azureContainer() { return Optional.ofNullable(azureContainerOrNull); }
    public Optional<String> azureEndpoint() { return Optional.ofNullable(azureEndpointOrNull); }
    public Optional<String> azureKey() { return Optional.ofNullable(azureKeyOrNull); }
    public Optional<String> basePath() { return Optional.ofNullable(basePathOrNull); }

    RestoreRepositorySpec withSecrets(Secrets s) {
        return new RestoreRepositorySpec(idOrNull, type, s3BucketOrNull, s3RegionOrNull, s3EndpointOrNull,
                s.s3Key(), s.s3KeySecret(), gcsBucketOrNull, gcsEndpointOrNull, s.gcsKey(),
                azureAccountOrNull, azureContainerOrNull, azureEndpointOrNull, s.azureKey(),
                basePathOrNull, customOptions);
    }

    @Override
    public String toString() {
        // Keys must never reach a log line through toString.
        return "RestoreRepositorySpec[" + identity() + "]";
    }
}
