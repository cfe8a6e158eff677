package io.controlplane.orchestrator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One orchestrated service with one replica: for a database instance the Patroni/Postgres container
 * {@code postgres-<instance_id>}. Labels go on the service and its containers.
 *
 * @param user         {@code uid:gid} the container runs as
 * @param hostNetwork  attach to the host network (test machines and single hosts); ports bind on the host
 * @param memoryBytesOrNull limit, or null for none
 * @param nanoCpusOrNull    limit in 1e-9 CPUs, or null for none
 */
public record ServiceSpec(
        String name,
        String image,
        List<String> command,
        Map<String, String> env,
        Map<String, String> labels,
        List<BindMount> mounts,
        String user,
        boolean hostNetwork,
        Long memoryBytesOrNull,
        Long nanoCpusOrNull,
        HealthCheck healthCheck,
        Duration restartDelay,
        Duration stopGracePeriod) {

    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(restartDelay, "restartDelay");
        Objects.requireNonNull(stopGracePeriod, "stopGracePeriod");
    }

    public Optional<Long> memoryBytes() {
        return Optional.ofNullable(memoryBytesOrNull);
    }

    public Optional<Long> nanoCpus() {
        return Optional.ofNullable(nanoCpusOrNull);
    }

    /** A bind mount of a host path. */
    public record BindMount(String source, String target, boolean readOnly) {
    }

    /** A container health check; {@code test} is the exec form, e.g. {@code ["CMD", "python3", "-c", "..."]}. */
    public record HealthCheck(List<String> test, Duration interval, Duration timeout, int retries, Duration startPeriod) {
        public HealthCheck {
            test = List.copyOf(test);
        }
    }
}
