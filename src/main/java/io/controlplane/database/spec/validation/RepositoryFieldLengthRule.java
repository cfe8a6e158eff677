package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.RepositorySpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The length limits pgEdge's API design puts on repository fields (bucket names follow S3/GCS rules). */
final class RepositoryFieldLengthRule implements SpecRule {

    private record Limit(String field, Function<RepositorySpec, Optional<String>> value, int min, int max) {
    }

    private static final List<Limit> LIMITS = List.of(
            new Limit("s3_bucket", RepositorySpec::s3Bucket, 3, 63),
            new Limit("s3_region", RepositorySpec::s3Region, 1, 32),
            new Limit("s3_endpoint", RepositorySpec::s3Endpoint, 3, 128),
            new Limit("s3_key", RepositorySpec::s3Key, 0, 128),
            new Limit("s3_key_secret", RepositorySpec::s3KeySecret, 0, 128),
            new Limit("gcs_bucket", RepositorySpec::gcsBucket, 3, 63),
            new Limit("gcs_endpoint", RepositorySpec::gcsEndpoint, 3, 128),
            new Limit("gcs_key", RepositorySpec::gcsKey, 0, 1024),
            new Limit("azure_account", RepositorySpec::azureAccount, 3, 24),
            new Limit("azure_container", RepositorySpec::azureContainer, 3, 63),
            new Limit("azure_endpoint", RepositorySpec::azureEndpoint, 3, 128),
            new Limit("azure_key", RepositorySpec::azureKey, 0, 128),
            new Limit("base_path", RepositorySpec::basePath, 0, 256));

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (LocatedRepository located : LocatedRepository.all(spec)) {
            for (Limit limit : LIMITS) {
                // Empty required values are reported by RepositoryTypeRule with pgEdge's message.
                limit.value().apply(located.repository()).filter(v -> !v.isEmpty())
                        .filter(v -> !Messages.lengthIn(v, limit.min(), limit.max()))
                        .ifPresent(v -> errors.add(FieldError.invalid(located.path().field(limit.field()),
                                Messages.length(limit.min(), limit.max()))));
            }
        }
        return errors;
    }
}
