package io.controlplane.pgbackrest;

import io.controlplane.patroni.ContainerPaths;
import io.controlplane.patroni.PatroniInstanceConfig;

/**
 * Where an instance's pgBackRest files are inside its container, and the Patroni commands that use
 * them. On the host the configs are in {@code <data_dir>/instances/<id>/configs/} (0600, owned by the
 * container's postgres user).
 */
public final class PgBackRestPaths {

    public static final String BACKUP_CONFIG_FILE = "pgbackrest.backup.conf";
    public static final String RESTORE_CONFIG_FILE = "pgbackrest.restore.conf";
    public static final String RESTORE_SCRIPT_FILE = "pgbackrest-restore.sh";
    public static final String BACKUP_CONFIG = ContainerPaths.CONFIGS + "/" + BACKUP_CONFIG_FILE;
    public static final String RESTORE_CONFIG = ContainerPaths.CONFIGS + "/" + RESTORE_CONFIG_FILE;
    public static final String RESTORE_SCRIPT = ContainerPaths.CONFIGS + "/" + RESTORE_SCRIPT_FILE;
    /** Relative to the data mount: where a restore run by Patroni logs ({@code db-restore.log}). */
    public static final String LOG_DIR = "pgbackrest/log";
    public static final String RESTORE_LOG_FILE = "db-restore.log";
    /** Relative to the data mount: where an in-place restore puts the old data directory. */
    public static final String KEPT_PGDATA_DIR = "pgdata.before-restore";

    private PgBackRestPaths() {
    }

    /** Patroni's {@code archive_command} while backups are configured. */
    public static String archiveCommand() {
        return PgBackRestCommands.BINARY + " --config=" + BACKUP_CONFIG + " --stanza=" + PgBackRestConfig.STANZA
                + " archive-push \"%p\"";
    }

    /** Patroni's bootstrap command of a node created from a backup. */
    public static String restoreCommand() {
        return "/bin/sh " + RESTORE_SCRIPT;
    }

    /** The instance's own Postgres, reached over its socket as the superuser (trusted locally). */
    public static PgBackRestConfig.Stanza stanza(int port) {
        return new PgBackRestConfig.Stanza(ContainerPaths.PGDATA, port, ContainerPaths.DATA,
                PatroniInstanceConfig.SUPERUSER);
    }

    public static String logPath() {
        return ContainerPaths.DATA + "/" + LOG_DIR;
    }

    public static String keptPgData() {
        return ContainerPaths.DATA + "/" + KEPT_PGDATA_DIR;
    }
}
