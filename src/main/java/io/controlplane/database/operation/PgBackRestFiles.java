package io.controlplane.database.operation;

import io.controlplane.common.PermanentException;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.spec.BackupConfigSpec;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.RepositorySpec;
import io.controlplane.database.spec.RestoreConfigSpec;
import io.controlplane.pgbackrest.PgBackRestConfigGenerator;
import io.controlplane.pgbackrest.PgBackRestConfigs;
import io.controlplane.pgbackrest.PgBackRestPaths;
import io.controlplane.pgbackrest.RestoreBootstrap;
import io.controlplane.pgbackrest.RestoreOptions;
import io.controlplane.patroni.ContainerPaths;
import io.controlplane.resource.InstanceBackup;
import io.controlplane.resource.InstanceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * "Write pgBackRest config": an instance's {@code pgbackrest.backup.conf} (while its node has a backup
 * config), {@code pgbackrest.restore.conf} and the restore script (while its node is created or restored
 * from a backup), written on the instance's host with the repository keys from etcd, 0600 and owned by the
 * container's postgres user. Files that are no longer wanted are removed; unchanged ones are not touched.
 * The node's directory in each posix repository is created and given to the container user.
 */
@Service
public class PgBackRestFiles {

    private final DatabaseStore store;
    private final ControlPlaneConfig config;
    private final RestoreRequests restores;
    private final PgBackRestConfigGenerator generator = new PgBackRestConfigGenerator();

    public PgBackRestFiles(DatabaseStore store, ControlPlaneConfig config, RestoreRequests restores) {
        this.store = store;
        this.config = config;
        this.restores = restores;
    }

    /** @return what changed, for the task log; empty when nothing did */
    public String write(String databaseId, String instanceId) {
        Optional<InstanceSpec> instance = store.planned(databaseId, instanceId)
                .or(() -> store.instanceSpec(databaseId, instanceId));
        if (instance.isEmpty()) {
            return "instance " + instanceId + " no longer exists; no pgBackRest files to write";
        }
        InstanceSpec spec = instance.get();
        if (!spec.portsAllocated()) {
            throw new PermanentException("instance " + instanceId + " has no ports yet; \"Allocate ports\" must run first");
        }
        DatabaseSpec databaseSpec = store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
        DatabaseNodeSpec node = databaseSpec.node(spec.nodeName()).orElse(null);
        InstanceFiles files = new InstanceFiles(config.dataDir(), instanceId);
        List<String> changes = new ArrayList<>();
        Path configs = files.configs();

        Optional<BackupConfigSpec> backup = node == null ? Optional.empty()
                : node.backupConfig().or(databaseSpec::backupConfig);
        if (backup.isPresent() && spec.backup().archive()) {
            for (RepositorySpec r : backup.get().repositories()) {
                if (Set.of("posix", "cifs").contains(r.type())) {
                    ensureRepositoryDirectory(Path.of(PgBackRestConfigs.path(r, databaseId, spec.nodeName())));
                }
            }
            String rendered = generator.render(PgBackRestConfigs.backup(instanceId, databaseId, spec.nodeName(),
                    backup.get(), PgBackRestPaths.stanza(spec.port())));
            if (writeIfChanged(configs.resolve(PgBackRestPaths.BACKUP_CONFIG_FILE), rendered, "rw-------")) {
                changes.add("wrote " + PgBackRestPaths.BACKUP_CONFIG_FILE);
            }
        } else if (deleteIfExists(configs.resolve(PgBackRestPaths.BACKUP_CONFIG_FILE))) {
            changes.add("removed " + PgBackRestPaths.BACKUP_CONFIG_FILE + " (no backups configured)");
        }

        Optional<RestoreSource> restore = restoreSource(databaseId, spec, databaseSpec, node);
        if (restore.isPresent()) {
            String rendered = generator.render(PgBackRestConfigs.restore(instanceId, restore.get().config(),
                    PgBackRestPaths.stanza(spec.port())));
            if (writeIfChanged(configs.resolve(PgBackRestPaths.RESTORE_CONFIG_FILE), rendered, "rw-------")) {
                changes.add("wrote " + PgBackRestPaths.RESTORE_CONFIG_FILE);
            }
            String script = RestoreBootstrap.script(ContainerPaths.PGDATA, PgBackRestPaths.keptPgData(),
                    PgBackRestPaths.RESTORE_CONFIG, PgBackRestPaths.logPath(),
                    RestoreOptions.arguments(restore.get().config().restoreOptions(), restore.get().inPlace()));
            if (writeIfChanged(configs.resolve(PgBackRestPaths.RESTORE_SCRIPT_FILE), script, "r-x------")) {
                changes.add("wrote " + PgBackRestPaths.RESTORE_SCRIPT_FILE);
            }
        } else {
            if (deleteIfExists(configs.resolve(PgBackRestPaths.RESTORE_CONFIG_FILE))) {
                changes.add("removed " + PgBackRestPaths.RESTORE_CONFIG_FILE);
            }
            deleteIfExists(configs.resolve(PgBackRestPaths.RESTORE_SCRIPT_FILE));
        }
        files.chownToPostgres();
        return String.join("; ", changes);
    }

    /** Where the node's primary is created from, if it is: the spec's restore_config or an in-place restore's. */
    private Optional<RestoreSource> restoreSource(String databaseId, InstanceSpec spec, DatabaseSpec databaseSpec,
                                                  DatabaseNodeSpec node) {
        Optional<String> from = spec.backup().restoreFrom();
        if (from.isEmpty()) {
            return Optional.empty();
        }
        if (from.get().equals(InstanceBackup.FROM_SPEC)) {
            Optional<RestoreConfigSpec> config = node == null ? Optional.empty()
                    : node.restoreConfig().or(databaseSpec::restoreConfig);
            return config.map(c -> new RestoreSource(c, false));
        }
        RestoreConfigSpec config = restores.get(databaseId, from.get()).orElseThrow(() -> new PermanentException(
                "the restore config of task " + from.get() + " is not in etcd (/restores/" + databaseId + "/)"));
        return Optional.of(new RestoreSource(config, true));
    }

    private record RestoreSource(RestoreConfigSpec config, boolean inPlace) {
    }

    /**
     * A node's directory in a posix repository: parents are created readable by everyone (the base path
     * may be shared by several databases), the node's own directory belongs to the container user.
     */
    private static void ensureRepositoryDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setAttribute(dir, "unix:uid", InstanceFiles.OWNER_UID);
            Files.setAttribute(dir, "unix:gid", InstanceFiles.OWNER_GID);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new PermanentException("cannot prepare the repository directory " + dir + ": " + e.getMessage());
        }
    }

    private static boolean writeIfChanged(Path file, String content, String permissions) {
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            // created with its final mode, so the keys are never readable by others, not even briefly
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static boolean deleteIfExists(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
