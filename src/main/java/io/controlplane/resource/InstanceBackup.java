package io.controlplane.resource;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What backups and restores change about an instance, without secrets (those stay in etcd and go only
 * into the instance's pgBackRest files): whether its WAL is archived, which host directories of posix
 * and cifs repositories its container mounts (at the same path), and what its node's primary is
 * bootstrapped from.
 *
 * @param archive           backups are configured: {@code archive_command} pushes WAL to the repositories
 * @param repositoryMounts  absolute base paths of posix/cifs repositories, sorted
 * @param restoreFromOrNull {@link #FROM_SPEC} (the spec's {@code restore_config}), the id of an in-place
 *                          restore's task, or null (initdb)
 */
public record InstanceBackup(boolean archive, List<String> repositoryMounts, String restoreFromOrNull) {

    /** The node is created from the {@code restore_config} of its spec. */
    public static final String FROM_SPEC = "spec";
    public static final InstanceBackup NONE = new InstanceBackup(false, List.of(), null);

    public InstanceBackup {
        repositoryMounts = List.copyOf(Objects.requireNonNullElse(repositoryMounts, List.of()));
    }

    public Optional<String> restoreFrom() {
        return Optional.ofNullable(restoreFromOrNull);
    }

    public boolean isNone() {
        return equals(NONE);
    }
}
