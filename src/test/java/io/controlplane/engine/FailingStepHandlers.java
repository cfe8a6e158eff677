package io.controlplane.engine;

import io.controlplane.cluster.ClusterService;
import io.controlplane.common.TransientException;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdCredentials;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.etcd.pki.ClusterCa;
import io.controlplane.etcd.store.EtcdStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The handler of the test-only process {@code test-failure-policy}: it fails the way the process
 * variable {@code mode} asks, with the real exceptions of our adapters where they can be had here
 * (the test server's embedded etcd).
 */
@Configuration
public class FailingStepHandlers {

    /** Set by a test once "the operator fixed the cause". */
    static final AtomicBoolean CAUSE_FIXED = new AtomicBoolean(false);
    private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    @Bean
    StepHandler testFailAsTold(ClusterService cluster) {
        return new StepHandler() {
            @Override
            public String name() {
                return "testFailAsTold";
            }

            @Override
            public Map<String, Object> execute(StepContext context) {
                int attempt = ATTEMPTS.computeIfAbsent(context.processInstanceId(), k -> new AtomicInteger())
                        .incrementAndGet();
                switch (context.requireString("mode")) {
                    case "etcd-permission-denied" -> {
                        if (!CAUSE_FIXED.get()) {
                            writeOutsideOwnPrefix(cluster);
                        }
                    }
                    case "etcd-removal-refused" -> {
                        try (EtcdAdmin admin = cluster.admin()) {
                            // the test server's cluster has one member: etcd must keep it
                            admin.removeMember(admin.listMembers().get(0).id());
                        }
                    }
                    case "transient-twice" -> {
                        if (attempt <= 2) {
                            throw new TransientException("the container is still starting (attempt " + attempt + ")");
                        }
                    }
                    case "transient-always" -> throw new TransientException("the container never starts");
                    case "unexpected-once" -> {
                        if (attempt == 1) {
                            throw new IllegalStateException("a bug in a step handler");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown mode");
                }
                return Map.of("attempts", attempt);
            }
        };
    }

    /** A real etcd PERMISSION_DENIED: an instance user may only touch its own Patroni prefix. */
    private static void writeOutsideOwnPrefix(ClusterService cluster) {
        EtcdCredentials instance;
        try (EtcdAdmin admin = cluster.admin()) {
            instance = admin.addInstanceUser("failure-policy-test", "failuredb", "n1");
        }
        ClusterCa ca = cluster.ca();
        EtcdClientConfig config = new EtcdClientConfig(cluster.etcdClientUrls(), ca.certificatePem(),
                ca.issueClient(instance.user()), Optional.of(instance), Duration.ofSeconds(5));
        try (EtcdStore store = new EtcdStore(config)) {
            store.put("/patroni/otherdb:n1/leader", "not mine");
        }
    }
}
