package io.controlplane.etcd.server;

import io.controlplane.etcd.pki.CertificateBundle;
import io.controlplane.etcd.pki.Pem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs and supervises this host's etcd server process. TLS is on for both client and peer URLs;
 * clients must present a certificate from the cluster CA ({@code --trusted-ca-file}) but
 * {@code --client-cert-auth} stays off because it breaks Patroni 3.0.2 (identity comes from
 * user/password). Peers must present a CA certificate too, so only hosts that were given one
 * can take part in raft.
 *
 * <p>If the process dies while the member is running, it is restarted with exponential backoff.
 * {@link #close()} stops it with SIGTERM, then SIGKILL after 10 s.
 */
public final class EtcdMember implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdMember.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A process that ran this long is considered stable, so the next crash starts backoff over. */
    private static final Duration STABLE_RUN = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private enum State { NEW, RUNNING, REMOVED, CLOSED }

    private final EtcdMemberConfig config;
    private final ScheduledExecutorService supervisor;
    private final Thread shutdownHook;
    private HttpClient healthClient;

    private State state = State.NEW;
    private Process process;
    private Instant processStarted = Instant.EPOCH;
    /** Flags used for the first start; reused by a crash restart if etcd never wrote its data dir. */
    private List<String> firstStartFlags = List.of();
    private int consecutiveCrashes;
    private int restarts;

    public EtcdMember(EtcdMemberConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-supervisor-" + config.name());
            t.setDaemon(true);
            return t;
        });
        // a JVM that exits without close() must not leave etcd running
        this.shutdownHook = new Thread(this::killNow, "etcd-shutdown-" + config.name());
    }

    /**
     * Writes the files the member expects in {@code certDir}; keys are owner-only.
     *
     * @param server certificate for the client and peer listeners (from {@code issueServer})
     * @param user client certificate this host uses to talk to etcd (from {@code issueClient})
     */
    public static void installCertificates(Path certDir, String caCertificatePem, CertificateBundle server,
            CertificateBundle user) {
        try {
            Files.createDirectories(certDir);
            Files.writeString(certDir.resolve("ca.crt"), caCertificatePem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write CA certificate to " + certDir, e);
        }
        server.writeTo(certDir, "etcd-server");
        user.writeTo(certDir, "etcd-user");
    }

    public EtcdMemberConfig config() {
        return config;
    }

    /** Starts a new single-member cluster. The data dir must not hold a member yet. */
    public void bootstrap() {
        requireNoData("bootstrap");
        String self = config.name() + "=" + peerUrl();
        launchAndAwaitHealthy(List.of("--initial-cluster", self, "--initial-cluster-state", "new",
                "--initial-cluster-token", config.clusterToken()), "bootstrap");
    }

    /**
     * Joins a cluster this member was already added to (see {@code EtcdAdmin.addMember}).
     *
     * @param initialCluster {@code name=peerUrl,...} of all members including this one
     */
    public void join(String initialCluster) {
        Objects.requireNonNull(initialCluster, "initialCluster");
        requireNoData("join");
        if (!initialCluster.contains(config.name() + "=" + peerUrl())) {
            throw new IllegalArgumentException("initial cluster '" + initialCluster + "' does not list this member as "
                    + config.name() + "=" + peerUrl());
        }
        launchAndAwaitHealthy(List.of("--initial-cluster", initialCluster, "--initial-cluster-state", "existing"),
                "join");
    }

    /** Starts on an existing data dir; membership comes from the data dir, not from flags. */
    public void start() {
        if (!hasData()) {
            throw new EtcdMemberException("etcd data dir " + config.dataDir() + " holds no member; use bootstrap() or join()");
        }
        launchAndAwaitHealthy(List.of(), "start");
    }

    /**
     * Starts on an existing data dir and returns at once, supervised like {@link #start()}. For a
     * restart of one host of a cluster: its member cannot be healthy before a quorum of the other
     * members runs, and they may start later, so the caller waits with {@link #awaitHealthy} and the
     * process is not stopped when that takes long.
     */
    public void launch() {
        if (!hasData()) {
            throw new EtcdMemberException("etcd data dir " + config.dataDir() + " holds no member; use bootstrap() or join()");
        }
        Process started;
        synchronized (this) {
            if (state != State.NEW) {
                throw new IllegalStateException("etcd member " + config.name() + " is " + state);
            }
            firstStartFlags = List.of();
            started = spawn(List.of());
            process = started;
            state = State.RUNNING;
        }
        registerShutdownHook();
        LOG.info("etcd member {} started, pid {}; waiting for its cluster", config.name(), started.pid());
        watch(started);
    }

    /** True when etcd has written its member directory, i.e. the member was bootstrapped or joined. */
    public boolean hasData() {
        return Files.isDirectory(config.dataDir().resolve("member"));
    }

    public URI peerUrl() {
        return URI.create("https://" + hostForUrl(config.advertiseHost()) + ":" + config.peerPort());
    }

    public URI clientUrl() {
        return URI.create("https://" + hostForUrl(config.advertiseHost()) + ":" + config.clientPort());
    }

    /** The URL this host itself uses: loopback when etcd listens on all interfaces. */
    public URI localClientUrl() {
        String host = isWildcard(config.listenHost()) ? "127.0.0.1" : config.listenHost();
        return URI.create("https://" + hostForUrl(host) + ":" + config.clientPort());
    }

    public synchronized OptionalLong pid() {
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    public synchronized boolean isRunning() {
        return state == State.RUNNING && process != null && process.isAlive();
    }

    /** Set when etcd exited because it was removed from the cluster; it is not restarted then. */
    public synchronized boolean wasRemoved() {
        return state == State.REMOVED;
    }

    /** How many times the supervisor restarted the process after it died. */
    public synchronized int restartCount() {
        return restarts;
    }

    /** One probe of etcd's {@code /health} endpoint (true only with a leader and a working store). */
    public boolean isHealthy() {
        try {
            HttpRequest request = HttpRequest.newBuilder(localClientUrl().resolve("/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<String> response = healthClient().send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until {@link #isHealthy()} or the timeout; false on timeout. */
    public boolean awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (isHealthy()) {
                return true;
            }
            sleep(Duration.ofMillis(100));
        }
        return false;
    }

    public String logTail() {
        return tail(config.logFile(), LOG_TAIL_LINES);
    }

    @Override
    public void close() {
        Process toStop;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            toStop = process;
        }
        supervisor.shutdownNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // JVM already shutting down, or the hook was never registered
        }
        if (toStop != null) {
            stop(toStop);
        }
    }

    private void launchAndAwaitHealthy(List<String> startFlags, String action) {
        long began = System.nanoTime();
        Process started;
        synchronized (this) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("etcd member " + config.name() + " is closed");
            }
            if (state == State.RUNNING) {
                throw new IllegalStateException("etcd member " + config.name() + " is already running");
            }
            firstStartFlags = startFlags;
            started = spawn(startFlags);
            process = started;
            state = State.RUNNING;
        }
        registerShutdownHook();
        Instant deadline = Instant.now().plus(config.startTimeout());
        while (true) {
            if (isHealthy()) {
                LOG.info("etcd member {} ({}) healthy after {} ms, pid {}", config.name(), action,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), started.pid());
                watch(started);
                return;
            }
            if (!started.isAlive()) {
                failStart(action, "etcd exited with code " + started.exitValue());
            }
            if (Instant.now().isAfter(deadline)) {
                failStart(action, "etcd not healthy within " + config.startTimeout());
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private void registerShutdownHook() {
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IllegalArgumentException e) {
            // already registered by an earlier start
        }
    }

    private void failStart(String action, String reason) {
        Process failed;
        synchronized (this) {
            failed = process;
            process = null;
            state = State.NEW;
        }
        if (failed != null) {
            stop(failed);
        }
        throw new EtcdMemberException("etcd member " + config.name() + " " + action + " failed: " + reason
                + "; last lines of " + config.logFile() + ":\n" + logTail());
    }

    private Process spawn(List<String> startFlags) {
        if (!Files.isExecutable(config.binary())) {
            throw new EtcdMemberException("etcd binary not found or not executable at " + config.binary()
                    + " (install it with: apt-get install -y etcd-server etcd-client)");
        }
        for (Path file : List.of(config.caFile(), config.serverCertFile(), config.serverKeyFile())) {
            if (!Files.isReadable(file)) {
                throw new EtcdMemberException("missing etcd certificate file " + file
                        + " (write them with EtcdMember.installCertificates)");
            }
        }
        try {
            if (!Files.isDirectory(config.dataDir())) {
                Files.createDirectories(config.dataDir(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new EtcdMemberException("cannot create etcd data dir " + config.dataDir(), e);
        }
        List<String> command = new ArrayList<>(List.of(
                config.binary().toString(),
                "--name", config.name(),
                "--data-dir", config.dataDir().toString(),
                "--listen-client-urls", "https://" + hostForUrl(config.listenHost()) + ":" + config.clientPort(),
                "--advertise-client-urls", clientUrl().toString(),
                "--listen-peer-urls", "https://" + hostForUrl(config.listenHost()) + ":" + config.peerPort(),
                "--initial-advertise-peer-urls", peerUrl().toString(),
                "--cert-file", config.serverCertFile().toString(),
                "--key-file", config.serverKeyFile().toString(),
                "--trusted-ca-file", config.caFile().toString(),
                "--peer-cert-file", config.serverCertFile().toString(),
                "--peer-key-file", config.serverKeyFile().toString(),
                "--peer-trusted-ca-file", config.caFile().toString(),
                "--peer-client-cert-auth",
                // without compaction the history grows until the 2 GB backend quota stops all writes
                "--auto-compaction-mode", "periodic",
                "--auto-compaction-retention", "1h",
                "--logger", "zap",
                "--log-outputs", config.logFile().toString()));
        command.addAll(startFlags);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(config.logFile().toFile()))
                .redirectInput(Redirect.from(new java.io.File("/dev/null")));
        // etcd refuses to start when an ETCD_* variable shadows a flag we pass
        builder.environment().keySet().removeIf(k -> k.startsWith("ETCD_") || k.startsWith("ETCDCTL_"));
        try {
            Process started = builder.start();
            processStarted = Instant.now();
            LOG.debug("started etcd member {}: pid {} {}", config.name(), started.pid(), command);
            return started;
        } catch (IOException e) {
            throw new EtcdMemberException("cannot start " + config.binary(), e);
        }
    }

    private void watch(Process watched) {
        watched.onExit().thenAccept(this::onProcessExit);
    }

    private void onProcessExit(Process exited) {
        Duration delay;
        synchronized (this) {
            if (state != State.RUNNING || exited != process) {
                return;
            }
            String tail = logTail();
            if (tail.contains("has been permanently removed from the cluster")
                    || tail.contains("the member has been permanently removed")) {
                LOG.warn("etcd member {} was removed from the cluster and exited; not restarting", config.name());
                state = State.REMOVED;
                process = null;
                return;
            }
            if (Duration.between(processStarted, Instant.now()).compareTo(STABLE_RUN) > 0) {
                consecutiveCrashes = 0;
            }
            long millis = MIN_BACKOFF.toMillis() << Math.min(consecutiveCrashes, 6);
            delay = Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
            consecutiveCrashes++;
            LOG.warn("etcd member {} (pid {}) exited unexpectedly with code {}; restarting in {} ms. Log tail:\n{}",
                    config.name(), exited.pid(), exited.exitValue(), delay.toMillis(), tail);
        }
        try {
            supervisor.schedule(this::restartAfterCrash, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void restartAfterCrash() {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            try {
                process = spawn(hasData() ? List.of() : firstStartFlags);
                restarts++;
                LOG.warn("etcd member {} restarted, pid {}", config.name(), process.pid());
                watch(process);
            } catch (RuntimeException e) {
                LOG.warn("etcd member {} could not be restarted, retrying: {}", config.name(), e.getMessage());
                Duration delay = MAX_BACKOFF;
                try {
                    supervisor.schedule(this::restartAfterCrash, delay.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // closing
                }
            }
        }
    }

    private void stop(Process target) {
        if (!target.isAlive()) {
            return;
        }
        target.destroy();
        try {
            if (!target.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("etcd member {} (pid {}) ignored SIGTERM for {}; killing it", config.name(), target.pid(),
                        STOP_GRACE);
                target.destroyForcibly();
                target.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            target.destroyForcibly();
        }
        if (target.isAlive()) {
            throw new EtcdMemberException("etcd member " + config.name() + " (pid " + target.pid() + ") did not stop");
        }
    }

    private void killNow() {
        Process p;
        synchronized (this) {
            p = process;
            state = State.CLOSED;
        }
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }

    private void requireNoData(String action) {
        if (hasData()) {
            throw new EtcdMemberException("cannot " + action + ": etcd data dir " + config.dataDir()
                    + " already holds a member; use start()");
        }
    }

    private synchronized HttpClient healthClient() {
        if (healthClient == null) {
            healthClient = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1))
                    .sslContext(sslContext())
                    .build();
        }
        return healthClient;
    }

    /** etcd requires a client certificate on every TLS connection, the health probe included. */
    private SSLContext sslContext() {
        try {
            Certificate ca = Pem.parseCertificate(Files.readString(config.caFile()));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            Path certFile = Files.isReadable(config.userCertFile()) ? config.userCertFile() : config.serverCertFile();
            Path keyFile = Files.isReadable(config.userKeyFile()) ? config.userKeyFile() : config.serverKeyFile();
            char[] password = "health".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", Pem.parsePrivateKey(Files.readString(keyFile)), password,
                    new Certificate[] {Pem.parseCertificate(Files.readString(certFile)), ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new EtcdMemberException("cannot load etcd certificates from " + config.certDir(), e);
        }
    }

    static String tail(Path file, int lines) {
        if (!Files.isReadable(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - 16384);
            byte[] buffer = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(buffer);
            String[] all = new String(buffer, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdMemberException("interrupted while waiting for etcd", e);
        }
    }
}
