package io.controlplane.database.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The secret fields of a repository, moved as one unit between specs: the four keys pgEdge names and
 * the secure pgBackRest options among {@code custom_options} (a cipher password, say).
 */
record Secrets(String s3Key, String s3KeySecret, String gcsKey, String azureKey, Map<String, String> secureOptions) {

    static final Secrets NONE = new Secrets(null, null, null, null, Map.of());

    Secrets {
        secureOptions = Map.copyOf(secureOptions);
    }

    static Secrets of(RepositorySpec repo) {
        Map<String, String> secure = new LinkedHashMap<>();
        repo.customOptions().forEach((k, v) -> {
            if (RepositoryLocation.SECURE_CUSTOM_OPTIONS.contains(k)) {
                secure.put(k, v);
            }
        });
        return new Secrets(repo.s3Key().orElse(null), repo.s3KeySecret().orElse(null),
                repo.gcsKey().orElse(null), repo.azureKey().orElse(null), secure);
    }

    /** Keeps each secret of this set and takes the ones it lacks from {@code older}. */
    Secrets orElse(Secrets older) {
        Map<String, String> secure = new LinkedHashMap<>(older.secureOptions);
        secure.putAll(secureOptions);
        return new Secrets(s3Key != null ? s3Key : older.s3Key,
                s3KeySecret != null ? s3KeySecret : older.s3KeySecret,
                gcsKey != null ? gcsKey : older.gcsKey,
                azureKey != null ? azureKey : older.azureKey, secure);
    }

    @Override
    public String toString() {
        return "Secrets[...]";
    }
}
