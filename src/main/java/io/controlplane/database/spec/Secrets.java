package io.controlplane.database.spec;

/** The four secret fields of a repository, moved as one unit between specs. */
record Secrets(String s3Key, String s3KeySecret, String gcsKey, String azureKey) {

    static final Secrets NONE = new Secrets(null, null, null, null);

    static Secrets of(RepositorySpec repo) {
        return new Secrets(repo.s3Key().orElse(null), repo.s3KeySecret().orElse(null),
                repo.gcsKey().orElse(null), repo.azureKey().orElse(null));
    }

    /** Keeps each secret of this set and takes the ones it lacks from {@code older}. */
    Secrets orElse(Secrets older) {
        return new Secrets(s3Key != null ? s3Key : older.s3Key,
                s3KeySecret != null ? s3KeySecret : older.s3KeySecret,
                gcsKey != null ? gcsKey : older.gcsKey,
                azureKey != null ? azureKey : older.azureKey);
    }
}
