package io.controlplane.etcd;

import static org.assertj.core.api.Assertions.fail;

import io.controlplane.etcd.pki.ClusterCa;
import io.controlplane.etcd.server.EtcdMember;
import io.controlplane.etcd.server.EtcdMemberConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Temp dirs, free loopback ports and certificates for tests against a real etcd. */
public final class EtcdTestSupport {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private EtcdTestSupport() {
    }

    /** Fails (does not skip) so a machine without etcd cannot pass the suite silently. */
    public static void requireEtcdBinary() {
        if (!Files.isExecutable(EtcdMemberConfig.DEFAULT_BINARY)) {
            fail("etcd is not installed at " + EtcdMemberConfig.DEFAULT_BINARY
                    + "; install it with: apt-get install -y etcd-server etcd-client");
        }
    }

    public static synchronized int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    /** A member on 127.0.0.1 with fresh ports; certificates are written into its cert dir. */
    public static EtcdMember newMember(ClusterCa ca, Path root, String name) {
        Path certDir = root.resolve(name + "-certs");
        EtcdMember.installCertificates(certDir, ca.certificatePem(),
                ca.issueServer("etcd-" + name, List.of(), List.of("127.0.0.1")), ca.issueClient("host-" + name));
        EtcdMemberConfig config = EtcdMemberConfig.of(name, root.resolve(name + "-data"), certDir, freePort(),
                freePort(), "127.0.0.1").withListenHost("127.0.0.1");
        return new EtcdMember(config);
    }

    public static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort; a leftover temp file must not fail the test
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    public static boolean processAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
