package io.controlplane.database.operation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.cluster.ClusterService;
import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.etcd.EtcdConflictException;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.etcd.store.VersionedValue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Service;

/**
 * Ports on each host, at {@code /ports/<host_id>} as {@code {"<port>": "<owner>"}}: fixed ports the
 * spec asks for and ports picked at random from {@code random_ports}, kept until released so an
 * instance keeps its ports across updates and restarts. Changes are compare-and-set, so two
 * operations never hand out the same port.
 */
@Service
public class PortAllocator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterService cluster;
    private final ControlPlaneConfig.PortRange range;

    public PortAllocator(ClusterService cluster, ControlPlaneConfig config) {
        this.cluster = cluster;
        this.range = config.randomPorts();
    }

    /**
     * The port of {@code owner} on a host: {@code wanted} when it is not 0, else the one the owner
     * already has, else a random free one. Idempotent. Must run on that host when it picks at random,
     * because it checks that nothing else listens on the port.
     *
     * @throws OperationFailedException when a fixed port belongs to another owner of the control plane
     * @throws PermanentException when a program outside the control plane listens on a fixed port (an incident)
     */
    public int allocate(String hostId, String owner, int wanted) {
        EtcdStore etcd = cluster.store();
        String key = key(hostId);
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<VersionedValue> current = etcd.get(key);
            Map<Integer, String> ports = current.map(v -> parse(v.value())).orElseGet(TreeMap::new);
            Optional<Integer> mine = ports.entrySet().stream().filter(e -> e.getValue().equals(owner))
                    .map(Map.Entry::getKey).findFirst();
            int port;
            if (wanted > 0) {
                String holder = ports.get(wanted);
                if (holder != null && !holder.equals(owner)) {
                    throw new OperationFailedException("port " + wanted + " on host " + hostId
                            + " is already used by " + holder);
                }
                if (owner.equals(holder)) {
                    return wanted;
                }
                if (!bindable(wanted)) {
                    // not ours to settle, and often short-lived: an incident lets the operator free the port and
                    // retry the step instead of failing the whole operation
                    throw new PermanentException("port " + wanted + " on host " + hostId
                            + " is in use by a process the control plane does not manage: free it, then retry the step");
                }
                port = wanted;
            } else if (mine.isPresent()) {
                return mine.get();
            } else {
                port = pickFree(ports);
            }
            ports.values().removeIf(owner::equals);
            ports.put(port, owner);
            try {
                if (current.isPresent()) {
                    etcd.compareAndPut(key, write(ports), current.get().modRevision());
                } else {
                    etcd.create(key, write(ports));
                }
                return port;
            } catch (EtcdConflictException e) {
                // another allocation on this host won; read again
            }
        }
        throw new io.controlplane.common.TransientException("too many concurrent port allocations on host " + hostId);
    }

    /** Gives back every port of {@code owner} on the host; nothing to do is fine. */
    public void release(String hostId, String owner) {
        EtcdStore etcd = cluster.store();
        String key = key(hostId);
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<VersionedValue> current = etcd.get(key);
            if (current.isEmpty()) {
                return;
            }
            Map<Integer, String> ports = parse(current.get().value());
            if (!ports.values().removeIf(owner::equals)) {
                return;
            }
            try {
                if (ports.isEmpty()) {
                    etcd.compareAndDelete(key, current.get().modRevision());
                } else {
                    etcd.compareAndPut(key, write(ports), current.get().modRevision());
                }
                return;
            } catch (EtcdConflictException e) {
                // read again
            }
        }
        throw new io.controlplane.common.TransientException("too many concurrent port changes on host " + hostId);
    }

    public Map<Integer, String> allocations(String hostId) {
        return cluster.store().get(key(hostId)).map(v -> parse(v.value())).orElseGet(TreeMap::new);
    }

    private int pickFree(Map<Integer, String> taken) {
        int size = range.max() - range.min() + 1;
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = range.min() + RANDOM.nextInt(size);
            if (!taken.containsKey(candidate) && bindable(candidate)) {
                return candidate;
            }
        }
        throw new OperationFailedException("no free port left in random_ports " + range.min() + "-" + range.max());
    }

    /** Something outside the control plane may already listen there (another Postgres, a test). */
    static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String key(String hostId) {
        return "/ports/" + hostId;
    }

    private static Map<Integer, String> parse(String json) {
        Map<Integer, String> ports = new TreeMap<>();
        try {
            Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> fields = JSON.readTree(json).fields();
            fields.forEachRemaining(e -> ports.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
        } catch (IOException e) {
            throw new IllegalStateException("port allocations are not JSON", e);
        }
        return ports;
    }

    private static String write(Map<Integer, String> ports) {
        ObjectNode node = JSON.createObjectNode();
        ports.forEach((p, o) -> node.put(String.valueOf(p), o));
        return node.toString();
    }
}
