package io.controlplane.e2e;

import io.controlplane.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL 15 on 127.0.0.1 for the shared engine database of a multi-host cluster,
 * run with Debian's binaries as the {@code postgres} user.
 */
final class EngineDatabase implements AutoCloseable {

    private static final String BIN = "/usr/lib/postgresql/15/bin/";
    private final Path dir;
    private final int port;

    private EngineDatabase(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static EngineDatabase start(Path parent) throws IOException, InterruptedException {
        Path dir = parent.resolve("engine-pg");
        Files.createDirectories(dir);
        // the postgres user must be able to reach its directory inside the test's temp dir
        Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        run(List.of("chown", "postgres:postgres", dir.toString()));
        int port = TestServer.freePort();
        asPostgres(BIN + "initdb -D " + dir.resolve("data") + " -U postgres --auth=trust -E UTF8");
        asPostgres(BIN + "pg_ctl -D " + dir.resolve("data") + " -l " + dir.resolve("pg.log") + " -w -o \"-p " + port
                + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300\" start");
        asPostgres("/usr/bin/psql -h 127.0.0.1 -p " + port + " -U postgres -c \"create database camunda\"");
        return new EngineDatabase(dir, port);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/camunda";
    }

    @Override
    public void close() {
        try {
            asPostgres(BIN + "pg_ctl -D " + dir.resolve("data") + " -m fast -w stop");
        } catch (Exception e) {
            // already stopped
        }
    }

    private static void asPostgres(String command) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        run(root ? List.of("runuser", "-u", "postgres", "--", "sh", "-c", command) : List.of("sh", "-c", command));
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        // run from "/": the postgres user may not enter the working directory (a clone in a mktemp -d
        // directory is 0700), and psql would print that complaint into the output
        Process p = new ProcessBuilder(cmd).directory(new java.io.File("/")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("command failed: " + cmd + "\n" + out);
        }
    }
}
