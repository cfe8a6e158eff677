package io.controlplane.swarm;

import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.TaskSpec;
import io.controlplane.orchestrator.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Swarm service spec we want for a {@link ServiceSpec}: a pure function of the spec and the local
 * node id, plus the hash that tells whether a running service still matches it.
 */
final class DesiredService {

    /** Service label holding {@link #hash}; an equal hash means the running service needs no update. */
    static final String SPEC_HASH_LABEL = "controlplane.spec_hash";
    /** Swarm's own container label naming the service a container belongs to. */
    static final String SERVICE_NAME_LABEL = "com.docker.swarm.service.name";
    /**
     * Part of the hash: bump it when {@link #of} changes what it sends to Docker, so that running
     * services pick up the new rendering.
     */
    private static final String RENDERING_VERSION = "1";
    /** Swarm-scoped name of the host network; attaching to it is what {@code --network host} does. */
    private static final String HOST_NETWORK = "host";

    private DesiredService() {
    }

    static com.github.dockerjava.api.model.ServiceSpec of(ServiceSpec spec, String nodeId) {
        List<String> env = new ArrayList<>();
        new TreeMap<>(spec.env()).forEach((k, v) -> env.add(k + "=" + v));

        List<Mount> mounts = spec.mounts().stream()
                .map(m -> new Mount().withType(MountType.BIND).withSource(m.source()).withTarget(m.target())
                        .withReadOnly(m.readOnly()))
                .toList();

        ServiceSpec.HealthCheck hc = spec.healthCheck();
        HealthCheck healthCheck = new HealthCheck()
                .withTest(hc.test())
                .withInterval(nanos(hc.interval()))
                .withTimeout(nanos(hc.timeout()))
                .withRetries(hc.retries())
                .withStartPeriod(nanos(hc.startPeriod()));

        ContainerSpec container = new ContainerSpec()
                .withImage(spec.image())
                // the image has no ENTRYPOINT: the whole command line is the container's command
                .withCommand(spec.command())
                .withEnv(env)
                .withLabels(new TreeMap<>(spec.labels()))
                .withUser(spec.user())
                .withMounts(mounts)
                .withHealthCheck(healthCheck)
                .withStopGracePeriod(nanos(spec.stopGracePeriod()));

        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withRestartPolicy(new ServiceRestartPolicy()
                        .withCondition(ServiceRestartCondition.ANY)
                        .withDelay(nanos(spec.restartDelay()))
                        .withMaxAttempts(0L))
                .withPlacement(new ServicePlacement().withConstraints(List.of("node.id==" + nodeId)));
        if (spec.memoryBytes().isPresent() || spec.nanoCpus().isPresent()) {
            ResourceSpecs limits = new ResourceSpecs();
            spec.memoryBytes().ifPresent(limits::withMemoryBytes);
            spec.nanoCpus().ifPresent(limits::withNanoCPUs);
            task.withResources(new ResourceRequirements().withLimits(limits));
        }
        if (spec.hostNetwork()) {
            task.withNetworks(List.of(new NetworkAttachmentConfig().withTarget(HOST_NETWORK)));
        }

        Map<String, String> serviceLabels = new TreeMap<>(spec.labels());
        serviceLabels.put(SPEC_HASH_LABEL, hash(spec));
        return new com.github.dockerjava.api.model.ServiceSpec()
                .withName(spec.name())
                .withLabels(serviceLabels)
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(1)))
                .withTaskTemplate(task);
    }

    /** sha256 (hex) of a canonical rendering of the spec: maps sorted by key, lists in order. */
    static String hash(ServiceSpec spec) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(canonical(spec).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static String canonical(ServiceSpec spec) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("rendering", RENDERING_VERSION);
        fields.put("name", spec.name());
        fields.put("image", spec.image());
        fields.put("command", spec.command());
        fields.put("env", new TreeMap<>(spec.env()));
        fields.put("labels", new TreeMap<>(spec.labels()));
        fields.put("mounts", spec.mounts().stream()
                .map(m -> List.of(m.source(), m.target(), m.readOnly() ? "ro" : "rw")).toList());
        fields.put("user", spec.user());
        fields.put("host_network", spec.hostNetwork());
        fields.put("memory_bytes", spec.memoryBytes().map(String::valueOf).orElse(""));
        fields.put("nano_cpus", spec.nanoCpus().map(String::valueOf).orElse(""));
        ServiceSpec.HealthCheck hc = spec.healthCheck();
        fields.put("health_check", List.of(hc.test(), nanos(hc.interval()), nanos(hc.timeout()), hc.retries(),
                nanos(hc.startPeriod())));
        fields.put("restart_delay", nanos(spec.restartDelay()));
        fields.put("stop_grace_period", nanos(spec.stopGracePeriod()));
        StringBuilder out = new StringBuilder();
        render(fields, out);
        return out.toString();
    }

    /** JSON-like and unambiguous: every string is quoted and escaped. */
    private static void render(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                render(String.valueOf(e.getKey()), out);
                out.append(':');
                render(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                render(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof String s) {
            out.append('"');
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        } else {
            out.append(value);
        }
    }

    private static long nanos(Duration d) {
        return d.toNanos();
    }
}
