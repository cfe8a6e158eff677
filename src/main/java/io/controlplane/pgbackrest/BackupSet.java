package io.controlplane.pgbackrest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One backup set of a stanza as {@code pgbackrest info --output=json} reports it.
 *
 * @param repositoryKey    pgBackRest's repository index (1 = repo1)
 * @param size             size of the database files it covers, in bytes
 * @param repositorySize   what it takes in the repository (compressed), in bytes
 * @param walStart         first WAL segment the set needs
 */
public record BackupSet(
        String label,
        String type,
        int repositoryKey,
        String priorOrNull,
        List<String> references,
        Instant startTime,
        Instant stopTime,
        long size,
        long delta,
        long repositorySize,
        long repositoryDelta,
        String walStart,
        String walStop,
        String lsnStart,
        String lsnStop,
        Map<String, String> annotations,
        boolean error) {

    public BackupSet {
        references = List.copyOf(references);
        annotations = Map.copyOf(annotations);
    }

    public Optional<String> prior() {
        return Optional.ofNullable(priorOrNull);
    }
}
