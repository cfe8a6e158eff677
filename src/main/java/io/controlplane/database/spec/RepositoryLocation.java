package io.controlplane.database.spec;

import java.util.Map;
import java.util.Objects;

/**
 * Where a pgBackRest repository is and how to reach it: everything backup and restore repositories
 * share. Holds the repository's keys, so toString shows only its identity.
 */
public record RepositoryLocation(
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
        Map<String, String> customOptions) {

    public RepositoryLocation {
        Objects.requireNonNull(type, "type");
        customOptions = Collections2.map(customOptions);
    }

    RepositoryLocation withSecrets(Secrets s) {
        return new RepositoryLocation(idOrNull, type, s3BucketOrNull, s3RegionOrNull, s3EndpointOrNull,
                s.s3Key(), s.s3KeySecret(), gcsBucketOrNull, gcsEndpointOrNull, s.gcsKey(),
                azureAccountOrNull, azureContainerOrNull, azureEndpointOrNull, s.azureKey(),
                basePathOrNull, customOptions);
    }

    @Override
    public String toString() {
        // Keys must never reach a log line through toString.
        return "RepositoryLocation[" + type + ":" + (idOrNull == null ? "" : idOrNull) + "]";
    }
}
