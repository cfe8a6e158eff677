package io.controlplane.pgbackrest;

import java.util.ArrayList;
import java.util.List;

/**
 * The script Patroni runs instead of initdb (bootstrap method {@code restore}, reference §6.3) to create
 * a node's primary from a pgBackRest backup: for a new database or node, and for an in-place restore,
 * where the old data directory was moved aside (Patroni bootstraps only into an empty one) and is moved
 * back so that {@code --delta} reuses its unchanged files.
 */
public final class RestoreBootstrap {

    private RestoreBootstrap() {
    }

    /**
     * @param pgData      the data directory Patroni bootstraps
     * @param keptPgData  where an in-place restore put the old data directory
     * @param config      the restore config file
     * @param logPath     where pgBackRest writes {@code db-restore.log}, which the control plane streams
     * @param restoreArgs {@link RestoreOptions#arguments}
     */
    public static String script(String pgData, String keptPgData, String config, String logPath,
                                List<String> restoreArgs) {
        List<String> cmd = new ArrayList<>(List.of(PgBackRestCommands.BINARY, "--config=" + config,
                "--stanza=" + PgBackRestConfig.STANZA, "--log-level-file=info", "--log-path=" + logPath,
                "--pg1-path=" + pgData));
        cmd.addAll(restoreArgs);
        cmd.add("restore");
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# Written by the control plane. Patroni runs it (bootstrap method \"restore\") to create this\n");
        s.append("# instance's data directory from a pgBackRest backup instead of running initdb.\n");
        s.append("set -e\n");
        s.append("PGDATA=").append(quote(pgData)).append('\n');
        s.append("KEPT=").append(quote(keptPgData)).append('\n');
        s.append("# an in-place restore moved the old data directory aside; --delta reuses its unchanged files\n");
        s.append("if [ -d \"$KEPT\" ]; then rm -rf \"$PGDATA\"; mv \"$KEPT\" \"$PGDATA\"; fi\n");
        s.append("mkdir -p \"$PGDATA\" ").append(quote(logPath)).append('\n');
        s.append("chmod 700 \"$PGDATA\"\n");
        s.append("# left by a Postgres that was killed; pgBackRest refuses to restore while it exists\n");
        s.append("rm -f \"$PGDATA/postmaster.pid\"\n");
        s.append("exec");
        cmd.forEach(arg -> s.append(' ').append(quote(arg)));
        s.append('\n');
        return s.toString();
    }

    /** Single-quoted for sh; values with a single quote are refused by the rules before they get here. */
    static String quote(String arg) {
        if (arg.indexOf('\'') >= 0) {
            throw new IllegalArgumentException("argument contains a single quote");
        }
        return arg.matches("[A-Za-z0-9_./=:,+-]+") ? arg : "'" + arg + "'";
    }
}
