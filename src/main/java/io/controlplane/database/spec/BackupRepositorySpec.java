package io.controlplane.database.spec;

import java.util.Objects;
import java.util.Optional;

/** A pgBackRest repository backups are written to. {@code retention_full} applies only to backups. */
public record BackupRepositorySpec(RepositoryLocation location, Integer retentionFullOrNull,
                                   String retentionFullTypeOrNull) implements RepositorySpec {

    public BackupRepositorySpec {
        Objects.requireNonNull(location, "location");
    }

    public Optional<Integer> retentionFull() { return Optional.ofNullable(retentionFullOrNull); }
    public Optional<String> retentionFullType() { return Optional.ofNullable(retentionFullTypeOrNull); }

    BackupRepositorySpec withSecrets(Secrets s) {
        return new BackupRepositorySpec(location.withSecrets(s), retentionFullOrNull, retentionFullTypeOrNull);
    }

    @Override
    public String toString() {
        // Keys must never reach a log line through toString.
        return "BackupRepositorySpec[" + identity() + "]";
    }
}
