package io.controlplane.etcd.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of this host's etcd member. The certificate directory holds the files written by
 * {@link EtcdMember#installCertificates}: {@code ca.crt}, {@code etcd-server.crt/.key} (client
 * and peer listener) and {@code etcd-user.crt/.key} (used for the local health probe).
 *
 * @param advertiseHost the address other members and clients use for this member
 * @param listenHost the address etcd binds to ({@code 0.0.0.0} by default)
 * @param clusterToken the initial cluster token; only used when bootstrapping
 */
public record EtcdMemberConfig(
        String name,
        Path dataDir,
        Path certDir,
        int clientPort,
        int peerPort,
        String advertiseHost,
        String listenHost,
        Path binary,
        Duration startTimeout,
        String clusterToken) {

    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/etcd");
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    public EtcdMemberConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(certDir, "certDir");
        Objects.requireNonNull(advertiseHost, "advertiseHost");
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(clusterToken, "clusterToken");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("invalid etcd member name: " + name);
        }
        checkPort(clientPort, "clientPort");
        checkPort(peerPort, "peerPort");
        if (clientPort == peerPort) {
            throw new IllegalArgumentException("client and peer port must differ");
        }
    }

    public static EtcdMemberConfig of(String name, Path dataDir, Path certDir, int clientPort, int peerPort,
            String advertiseHost) {
        return new EtcdMemberConfig(name, dataDir, certDir, clientPort, peerPort, advertiseHost, "0.0.0.0",
                DEFAULT_BINARY, DEFAULT_START_TIMEOUT, "control-plane");
    }

    public EtcdMemberConfig withListenHost(String host) {
        return new EtcdMemberConfig(name, dataDir, certDir, clientPort, peerPort, advertiseHost, host, binary,
                startTimeout, clusterToken);
    }

    public EtcdMemberConfig withBinary(Path path) {
        return new EtcdMemberConfig(name, dataDir, certDir, clientPort, peerPort, advertiseHost, listenHost, path,
                startTimeout, clusterToken);
    }

    public EtcdMemberConfig withStartTimeout(Duration timeout) {
        return new EtcdMemberConfig(name, dataDir, certDir, clientPort, peerPort, advertiseHost, listenHost, binary,
                timeout, clusterToken);
    }

    public EtcdMemberConfig withClusterToken(String token) {
        return new EtcdMemberConfig(name, dataDir, certDir, clientPort, peerPort, advertiseHost, listenHost, binary,
                startTimeout, token);
    }

    public Path caFile() {
        return certDir.resolve("ca.crt");
    }

    public Path serverCertFile() {
        return certDir.resolve("etcd-server.crt");
    }

    public Path serverKeyFile() {
        return certDir.resolve("etcd-server.key");
    }

    public Path userCertFile() {
        return certDir.resolve("etcd-user.crt");
    }

    public Path userKeyFile() {
        return certDir.resolve("etcd-user.key");
    }

    /** zap log plus anything etcd prints before its logger is up. */
    public Path logFile() {
        return dataDir.resolve("etcd.log");
    }

    private static void checkPort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " out of range: " + port);
        }
    }
}
