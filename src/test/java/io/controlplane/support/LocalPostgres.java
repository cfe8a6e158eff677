package io.controlplane.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL 15 on 127.0.0.1 run with Debian's binaries as the {@code postgres} user, with
 * the superuser {@code pgedge} logging in by SCRAM password over TCP, as in a generated instance.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final String BIN = "/usr/lib/postgresql/15/bin/";
    private final Path dir;
    private final int port;

    private LocalPostgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static LocalPostgres start(Path parent, String pgedgePassword) throws IOException, InterruptedException {
        Path dir = parent.resolve("pg");
        Files.createDirectories(dir);
        // the postgres user must be able to reach its directory inside the test's temp dir
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        int port = freePort();
        LocalPostgres pg = new LocalPostgres(dir, port);
        asPostgres(BIN + "initdb -D " + pg.data() + " -U postgres --auth-local=trust --auth-host=scram-sha-256"
                + " -E UTF8 --locale=C.UTF-8");
        asPostgres(BIN + "pg_ctl -D " + pg.data() + " -l " + dir.resolve("pg.log") + " -w -t 60 -o \"-p " + port
                + " -k " + dir + " -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256\" start");
        // The password comes from the test, not the user: safe to inline here.
        asPostgres("/usr/bin/psql -h " + dir + " -p " + port + " -U postgres -d postgres -v ON_ERROR_STOP=1"
                + " -c \"CREATE ROLE pgedge SUPERUSER LOGIN PASSWORD '" + pgedgePassword + "'\"");
        return pg;
    }

    public int port() {
        return port;
    }

    /** Runs SQL through the socket as {@code postgres}, bypassing the code under test. */
    public String psql(String database, String sql) throws IOException, InterruptedException {
        return asPostgres("/usr/bin/psql -h " + dir + " -p " + port + " -U postgres -d " + database
                + " -v ON_ERROR_STOP=1 -At -c \"" + sql.replace("\"", "\\\"") + "\"").strip();
    }

    private Path data() {
        return dir.resolve("data");
    }

    /** Stops only the postmaster of this data directory. */
    @Override
    public void close() {
        try {
            asPostgres(BIN + "pg_ctl -D " + data() + " -m immediate -w stop");
        } catch (Exception e) {
            // never started, or already stopped
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String asPostgres(String command) throws IOException, InterruptedException {
        return run(isRoot() ? List.of("runuser", "-u", "postgres", "--", "sh", "-c", command)
                : List.of("sh", "-c", command));
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        // run from "/": the postgres user may not enter the working directory (a clone in a mktemp -d
        // directory is 0700), and psql would print that complaint into the output
        Process p = new ProcessBuilder(cmd).directory(new java.io.File("/")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("command failed: " + cmd + "\n" + out);
        }
        return out;
    }
}
