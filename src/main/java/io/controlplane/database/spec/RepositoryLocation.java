package io.controlplane.database.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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

    /**
     * pgBackRest's secure repository options (those it never prints): as {@code custom_options} they are
     * secrets like {@code s3_key_secret}, never returned and kept across updates that leave them out.
     */
    public static final Set<String> SECURE_CUSTOM_OPTIONS = Set.of("cipher-pass", "s3-key", "s3-key-secret",
            "s3-token", "s3-sse-customer-key", "azure-key", "gcs-key", "sftp-private-key-passphrase");

    /** The secrets replaced by {@code s}: the four key fields and the secure custom options. */
    RepositoryLocation withSecrets(Secrets s) {
        Map<String, String> options = new LinkedHashMap<>();
        customOptions.forEach((k, v) -> {
            if (!SECURE_CUSTOM_OPTIONS.contains(k)) {
                options.put(k, v);
            }
        });
        options.putAll(s.secureOptions());
        return new RepositoryLocation(idOrNull, type, s3BucketOrNull, s3RegionOrNull, s3EndpointOrNull,
                s.s3Key(), s.s3KeySecret(), gcsBucketOrNull, gcsEndpointOrNull, s.gcsKey(),
                azureAccountOrNull, azureContainerOrNull, azureEndpointOrNull, s.azureKey(),
                basePathOrNull, options);
    }

    @Override
    public String toString() {
        // Keys must never reach a log line through toString.
        return "RepositoryLocation[" + type + ":" + (idOrNull == null ? "" : idOrNull) + "]";
    }
}
