package io.controlplane.support;

import io.controlplane.ControlPlaneApplication;
import io.controlplane.cluster.ClusterService;
import io.controlplane.config.ConfigLoader;
import io.controlplane.config.ControlPlaneConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One real server per test JVM (in process, H2 file engine database under a temp data dir, random port
 * on 127.0.0.1), shared by the integration tests so the engine starts once. It is initialized as a
 * cluster of one host, {@value #HOST_ID}, with a real embedded etcd.
 */
public final class TestServer {

    public static final String HOST_ID = "test-host";

    private static TestServer instance;

    private final Path dataDir;
    private final int port;
    private final ConfigurableApplicationContext context;

    private TestServer(Path dataDir, int port, ConfigurableApplicationContext context) {
        this.dataDir = dataDir;
        this.port = port;
        this.context = context;
    }

    public static synchronized TestServer get() {
        if (instance == null) {
            try {
                // under target/: a forked JVM that surefire ends before its shutdown hook has run
                // leaves nothing outside the build directory
                Path parent = Files.createDirectories(Path.of("target", "test-servers"));
                Path dir = Files.createTempDirectory(parent.toAbsolutePath(), "cp-test-server-");
                int port = freePort();
                ControlPlaneConfig config = ConfigLoader.load(new String[0], Map.of(
                        "CONTROL_PLANE_DATA_DIR", dir.toString(),
                        "CONTROL_PLANE_HOST_ID", HOST_ID,
                        "CONTROL_PLANE_HTTP__PORT", String.valueOf(port),
                        "CONTROL_PLANE_HTTP__BIND_ADDR", "127.0.0.1",
                        "CONTROL_PLANE_PEER_ADDRESSES", "127.0.0.1",
                        // free ports, not etcd's 2379/2380: test JVMs of other worktrees run on the same machine
                        "CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT", String.valueOf(freePort()),
                        "CONTROL_PLANE_ETCD_SERVER__PEER_PORT", String.valueOf(freePort()),
                        "CONTROL_PLANE_LOGGING__PRETTY", "true")).config();
                ConfigurableApplicationContext ctx = ControlPlaneApplication.run(config);
                // a cluster of one host with its embedded etcd, so tests can use the cluster store
                ctx.getBean(ClusterService.class).init(Optional.empty());
                instance = new TestServer(dir, port, ctx);
                Runtime.getRuntime().addShutdownHook(new Thread(instance::shutdown));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** A bean by name, e.g. an expression bean of the BPMN ({@code operationPlan}). */
    public Object bean(String name) {
        return context.getBean(name);
    }

    public <T> java.util.Collection<T> beansOf(Class<T> type) {
        return context.getBeansOfType(type).values();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public Path dataDir() {
        return dataDir;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free port outside [{@code min}, {@code max}] (a range a test server hands out to databases). */
    public static int freePortOutside(int min, int max) {
        for (int i = 0; i < 100; i++) {
            int p = freePort();
            if (p < min || p > max) {
                return p;
            }
        }
        throw new IllegalStateException("no free port outside " + min + "-" + max);
    }

    private void shutdown() {
        try {
            context.close();
        } finally {
            deleteTree(dataDir);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: temp files of a finished test
        }
    }
}
