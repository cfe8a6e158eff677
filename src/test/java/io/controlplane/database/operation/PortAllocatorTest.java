package io.controlplane.database.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cluster.ClusterService;
import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.support.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Port allocation against the real etcd of the test server; every test uses a host of its own. */
class PortAllocatorTest {

    private static ClusterService cluster;
    private static ControlPlaneConfig config;
    private static PortAllocator allocator;

    @BeforeAll
    static void startServer() {
        TestServer server = TestServer.get();
        cluster = server.bean(ClusterService.class);
        config = server.bean(ControlPlaneConfig.class);
        allocator = server.bean(PortAllocator.class);
    }

    private static String newHost() {
        return "ports-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** An allocator whose random range is exactly {@code [min, max]}. */
    private static PortAllocator withRange(int min, int max) {
        ControlPlaneConfig c = config;
        return new PortAllocator(cluster, new ControlPlaneConfig(c.dataDir(), c.hostId(), c.tenantId(), c.orchestrator(),
                c.peerAddresses(), c.clientAddresses(), c.stopGracePeriodSeconds(), c.http(), c.logging(), c.engine(),
                c.etcd(), new ControlPlaneConfig.PortRange(min, max), c.swarm()));
    }

    /** A port p such that p and p+1 are both free now. */
    private static int twoFreePorts() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int p = TestServer.freePort();
            if (p < 65535 && PortAllocator.bindable(p + 1) && PortAllocator.bindable(p)) {
                return p;
            }
        }
        throw new AssertionError("no two adjacent free ports");
    }

    @Test
    void randomPortIsInTheConfiguredRange() {
        String host = newHost();
        int port = allocator.allocate(host, "db-n1-a/postgres", 0);

        assertThat(port).isBetween(config.randomPorts().min(), config.randomPorts().max());
        assertThat(allocator.allocations(host)).containsExactlyEntriesOf(Map.of(port, "db-n1-a/postgres"));
    }

    @Test
    void sameOwnerKeepsItsRandomPort() {
        String host = newHost();
        int first = allocator.allocate(host, "db-n1-a/postgres", 0);

        assertThat(allocator.allocate(host, "db-n1-a/postgres", 0)).isEqualTo(first);
        assertThat(allocator.allocations(host)).hasSize(1);
    }

    @Test
    void sameOwnerOnAnotherHostIsAnotherAllocation() {
        String a = newHost();
        String b = newHost();
        allocator.allocate(a, "owner", 0);
        allocator.allocate(b, "owner", 0);

        assertThat(allocator.allocations(a)).containsValue("owner").hasSize(1);
        assertThat(allocator.allocations(b)).containsValue("owner").hasSize(1);
    }

    @Test
    void fixedPortIsTakenAsAsked() {
        String host = newHost();
        int wanted = TestServer.freePort();

        assertThat(allocator.allocate(host, "db-n1-a/postgres", wanted)).isEqualTo(wanted);
        assertThat(allocator.allocate(host, "db-n1-a/postgres", wanted)).isEqualTo(wanted);
        assertThat(allocator.allocations(host)).containsExactlyEntriesOf(Map.of(wanted, "db-n1-a/postgres"));
    }

    @Test
    void changingToAFixedPortGivesBackTheOwnersOldPort() {
        String host = newHost();
        int random = allocator.allocate(host, "owner", 0);
        int wanted = TestServer.freePort();

        allocator.allocate(host, "owner", wanted);

        assertThat(allocator.allocations(host)).containsExactlyEntriesOf(Map.of(wanted, "owner"));
        assertThat(allocator.allocations(host)).doesNotContainKey(random);
    }

    @Test
    void fixedPortOfAnotherOwnerIsRefused() {
        String host = newHost();
        int wanted = TestServer.freePort();
        allocator.allocate(host, "db-n1-a/postgres", wanted);

        assertThatThrownBy(() -> allocator.allocate(host, "db-n2-b/postgres", wanted))
                .isInstanceOf(OperationFailedException.class)
                .hasMessage("port " + wanted + " on host " + host + " is already used by db-n1-a/postgres");
        assertThat(allocator.allocations(host)).containsExactlyEntriesOf(Map.of(wanted, "db-n1-a/postgres"));
    }

    @Test
    void fixedPortThatAForeignProgramListensOnRaisesAnIncident() throws IOException {
        String host = newHost();
        try (ServerSocket foreign = new ServerSocket(0)) {
            int taken = foreign.getLocalPort();

            assertThatThrownBy(() -> allocator.allocate(host, "owner", taken))
                    .isInstanceOf(PermanentException.class)
                    .hasMessage("port " + taken + " on host " + host
                            + " is in use by a process the control plane does not manage: free it, then retry the step");
        }
        assertThat(allocator.allocations(host)).isEmpty();
    }

    @Test
    void portAForeignProgramListensOnIsNeverPickedAtRandom() throws IOException {
        int p = twoFreePorts();
        PortAllocator narrow = withRange(p, p + 1);
        String host = newHost();
        try (ServerSocket foreign = new ServerSocket(p)) {
            for (int i = 0; i < 20; i++) {
                String owner = "owner-" + i;
                assertThat(narrow.allocate(host, owner, 0)).isEqualTo(p + 1);
                narrow.release(host, owner);
            }
        }
    }

    @Test
    void fullRangeEndsTheOperationWithAClearError() {
        int p = twoFreePorts();
        PortAllocator narrow = withRange(p, p + 1);
        String host = newHost();
        narrow.allocate(host, "a", 0);
        narrow.allocate(host, "b", 0);

        assertThatThrownBy(() -> narrow.allocate(host, "c", 0)).isInstanceOf(OperationFailedException.class)
                .hasMessage("no free port left in random_ports " + p + "-" + (p + 1));
    }

    @Test
    void releaseFreesTheOwnersPortForOthers() {
        int p = twoFreePorts();
        PortAllocator single = withRange(p, p);
        String host = newHost();
        single.allocate(host, "a", 0);
        single.allocate(host, "keep", p + 1);

        single.release(host, "a");

        assertThat(single.allocations(host)).containsExactlyEntriesOf(Map.of(p + 1, "keep"));
        assertThat(single.allocate(host, "b", 0)).isEqualTo(p);
    }

    @Test
    void releasingTheLastPortDeletesTheHostsKey() {
        String host = newHost();
        allocator.allocate(host, "owner", 0);

        allocator.release(host, "owner");

        assertThat(cluster.store().get(PortAllocator.key(host))).isEmpty();
        assertThat(allocator.allocations(host)).isEmpty();
    }

    @Test
    void releaseOfAnUnknownOwnerOrHostDoesNothing() {
        String host = newHost();
        allocator.release(host, "nobody");
        int port = allocator.allocate(host, "owner", 0);

        allocator.release(host, "nobody");

        assertThat(allocator.allocations(host)).containsExactlyEntriesOf(Map.of(port, "owner"));
    }

    @Test
    void concurrentAllocationsForDifferentOwnersNeverCollide() throws Exception {
        String host = newHost();
        int threads = 6;
        int perThread = 8;
        Map<String, Integer> got = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String owner = "owner-" + thread + "-" + i;
                        got.put(owner, allocateRetryingLikeTheEngine(host, owner));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        Collection<Integer> ports = got.values();
        assertThat(ports).hasSize(threads * perThread).doesNotHaveDuplicates();
        Map<Integer, String> stored = allocator.allocations(host);
        assertThat(stored).hasSize(threads * perThread);
        got.forEach((owner, port) -> assertThat(stored).containsEntry(port, owner));
    }

    /** Too many lost compare-and-sets is a transient failure; the step worker would retry it. */
    private static int allocateRetryingLikeTheEngine(String host, String owner) {
        for (int attempt = 0; ; attempt++) {
            try {
                return allocator.allocate(host, owner, 0);
            } catch (TransientException e) {
                if (attempt > 5) {
                    throw e;
                }
            }
        }
    }
}
