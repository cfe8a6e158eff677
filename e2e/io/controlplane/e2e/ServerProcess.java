package io.controlplane.e2e;

import io.controlplane.support.Http;
import io.controlplane.support.Poll;
import io.controlplane.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One control plane server started from the packaged jar as a separate OS process. */
public final class ServerProcess implements AutoCloseable {

    /** Where the servers' output goes: {@code target/e2e-logs/<test dir>-<host>.out}. */
    private static final Path LOGS = Path.of("target", "e2e-logs");

    private final Path dataDir;
    private final int port;
    private final Path output;
    private static List<String> javaArgs;

    private final Map<String, String> env;
    private Process process;

    public ServerProcess(Path dataDir, int port, Map<String, String> extraEnv) {
        this.dataDir = dataDir;
        this.port = port;
        // kept after the test (the data dirs are deleted) so a failure can be read in CI
        this.output = LOGS.resolve(dataDir.getParent().getFileName() + "-" + dataDir.getFileName() + ".out");
        try {
            Files.createDirectories(LOGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = new LinkedHashMap<>();
        env.put("CONTROL_PLANE_DATA_DIR", dataDir.toString());
        env.put("CONTROL_PLANE_HTTP__PORT", String.valueOf(port));
        env.putAll(extraEnv);
    }

    public static Path jar() {
        String jar = System.getProperty("controlplane.jar", "target/control-plane.jar");
        Path p = Path.of(jar);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("the packaged jar " + p + " does not exist: run `mvn verify`");
        }
        return p;
    }

    /**
     * The JVM options and {@code -jar <extracted jar>} that scripts/run.sh starts a host with
     * (scripts/jvm.options plus the class-data archive of scripts/cds-archive.sh), prepared once per
     * test JVM; the script redoes the archive only when the jar changed.
     */
    static synchronized List<String> javaArgs() {
        if (javaArgs == null) {
            Path out = null;
            try {
                out = Files.createTempFile("cds-archive", ".out");
                ProcessBuilder pb = new ProcessBuilder("bash", "scripts/cds-archive.sh", "--java-args",
                        jar().toAbsolutePath().toString())
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("JAVA", java()); // the archive belongs to the JVM that uses it
                Process p = pb.start();
                if (!p.waitFor(15, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("scripts/cds-archive.sh did not finish within 15 minutes");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("scripts/cds-archive.sh failed with " + p.exitValue());
                }
                javaArgs = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                if (out != null) {
                    out.toFile().delete();
                }
            }
        }
        return javaArgs;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts the process; returns once /v1/version answers. */
    public ServerProcess start(Duration timeout) {
        return launch().awaitReady(timeout);
    }

    /** Starts the process and returns at once (several hosts can be started at the same moment). */
    public ServerProcess launch() {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(javaArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("CONTROL_PLANE_"));
        pb.environment().putAll(env);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Waits until /v1/version answers; fails when the process exits or the timeout passes. */
    public ServerProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + ":\n" + outputTail());
            }
            try {
                if (Http.get(url("/v1/version")).status() == 200) {
                    return this;
                }
            } catch (io.controlplane.support.ApiContract.Violation v) {
                throw v; // it answers, but not as pgEdge's document says: no use waiting
            } catch (AssertionError notYet) {
                // connection refused while starting
            }
            sleep(200);
        }
        throw new IllegalStateException("server did not answer within " + timeout + ":\n" + outputTail());
    }

    /** The same host again (data dir, ports and environment) after this process stopped: a restart. */
    public ServerProcess again() {
        return new ServerProcess(dataDir, port, env);
    }

    /** Initializes a one-host cluster on this server and waits until the host reports itself healthy. */
    public ServerProcess initSingleHostCluster(String clusterId) {
        Http.Response init = Http.get(url("/v1/cluster/init?cluster_id=" + clusterId));
        if (init.status() != 200) {
            throw new AssertionError("cluster init answered " + init.status() + ": " + init.body());
        }
        Poll.until(Duration.ofSeconds(90), () -> Http.get(url("/v1/hosts")).json().path("hosts"),
                hosts -> hosts.size() == 1 && hosts.get(0).path("status").path("state").asText().equals("healthy"),
                "the host of " + clusterId + " healthy");
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public String outputTail() {
        String all = output();
        return all.length() > 6000 ? all.substring(all.length() - 6000) : all;
    }

    /**
     * The environment of a server host on 127.0.0.1 with fresh etcd ports, sharing the engine database
     * {@code engineJdbcUrl} (user postgres) with the other hosts of a test cluster.
     */
    public static Map<String, String> clusterEnv(String hostId, String etcdMode, String engineJdbcUrl,
                                                 String adminPassword) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CONTROL_PLANE_HOST_ID", hostId);
        env.put("CONTROL_PLANE_ETCD_MODE", etcdMode);
        env.put("CONTROL_PLANE_HTTP__BIND_ADDR", "127.0.0.1");
        env.put("CONTROL_PLANE_PEER_ADDRESSES", "127.0.0.1");
        env.put("CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT", String.valueOf(TestServer.freePort()));
        env.put("CONTROL_PLANE_ETCD_SERVER__PEER_PORT", String.valueOf(TestServer.freePort()));
        env.put("CONTROL_PLANE_ENGINE__DATASOURCE__URL", engineJdbcUrl);
        env.put("CONTROL_PLANE_ENGINE__DATASOURCE__USERNAME", "postgres");
        env.put("CONTROL_PLANE_ENGINE__ADMIN_PASSWORD", adminPassword);
        env.put("CONTROL_PLANE_LOGGING__PRETTY", "true");
        return env;
    }

    /** After a kill -9 the etcd member this host started lives on (like on a real crash); end it. */
    public void killOrphanEtcd() {
        Path pidFile = dataDir().resolve("etcd.pid");
        try {
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(p -> {
                    p.destroyForcibly();
                    p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                });
            }
        } catch (Exception e) {
            // nothing left to kill
        }
    }

    /** kill -9: the process gets no chance to clean up. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(Duration.ofSeconds(30))) {
                process.destroyForcibly();
                waitFor(Duration.ofSeconds(10));
            }
        }
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
