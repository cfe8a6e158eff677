package io.controlplane.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.TaskSpec;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.orchestrator.ComponentHealth;
import io.controlplane.orchestrator.ServiceChange;
import io.controlplane.orchestrator.ServiceSpec;
import io.controlplane.orchestrator.ServiceStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against the real single-node Swarm of this machine; every service it creates is removed afterwards. */
class SwarmOrchestratorTest {

    private static final String DOCKER_HOST = "unix:///var/run/docker.sock";
    private static final String IMAGE = "controlplane/postgres:15";
    private static final String TEST_LABEL = "controlplane.test";
    private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static SwarmOrchestrator orchestrator;
    private static DockerClient docker;
    private static int serviceCounter;

    @TempDir
    Path tmp;

    @BeforeAll
    static void connect() {
        orchestrator = new SwarmOrchestrator(DOCKER_HOST);
        docker = SwarmOrchestrator.connect(DOCKER_HOST);
    }

    @AfterEach
    void removeServicesOfThisRun() {
        for (String name : orchestrator.listServices(Map.of(TEST_LABEL, RUN_ID))) {
            orchestrator.removeService(name, WAIT);
        }
    }

    @AfterAll
    static void close() throws IOException {
        try {
            for (String name : orchestrator.listServices(Map.of(TEST_LABEL, RUN_ID))) {
                orchestrator.removeService(name, WAIT);
            }
        } finally {
            orchestrator.close();
            docker.close();
        }
    }

    @Test
    void createsServiceWithLabelsMountsUserAndHostNetwork() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path data = Files.createDirectories(tmp.resolve("data"));
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600"))
                .labels(Map.of("controlplane.instance_id", "inst-1"))
                .env(Map.of("LANG", "C.UTF-8"))
                .mounts(List.of(new ServiceSpec.BindMount(conf.toString(), "/opt/controlplane/configs", true),
                        new ServiceSpec.BindMount(data.toString(), "/srv/pg", false)))
                .limits(256L * 1024 * 1024, 500_000_000L)
                .build();

        assertThat(orchestrator.ensureService(spec)).isEqualTo(ServiceChange.CREATED);

        Service service = docker.inspectServiceCmd(spec.name()).exec();
        assertThat(service.getSpec().getLabels())
                .containsEntry("controlplane.instance_id", "inst-1")
                .containsEntry(TEST_LABEL, RUN_ID)
                .containsEntry(DesiredService.SPEC_HASH_LABEL, DesiredService.hash(spec));
        assertThat(service.getSpec().getMode().getReplicated().getReplicas()).isEqualTo(1);
        TaskSpec task = service.getSpec().getTaskTemplate();
        ContainerSpec container = task.getContainerSpec();
        assertThat(container.getImage()).isEqualTo(IMAGE); // no digest pinned: nothing asked a registry
        assertThat(container.getCommand()).containsExactly("sleep", "3600");
        assertThat(container.getUser()).isEqualTo("100:102");
        assertThat(container.getLabels()).containsEntry("controlplane.instance_id", "inst-1");
        assertThat(container.getEnv()).contains("LANG=C.UTF-8");
        assertThat(container.getMounts()).extracting(Mount::getType, Mount::getSource, Mount::getTarget, Mount::getReadOnly)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(MountType.BIND, conf.toString(), "/opt/controlplane/configs", true),
                        org.assertj.core.groups.Tuple.tuple(MountType.BIND, data.toString(), "/srv/pg", null)); // false is omitted
        assertThat(container.getHealthCheck().getTest()).containsExactly("CMD", "true");
        assertThat(container.getHealthCheck().getInterval()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(container.getHealthCheck().getRetries()).isEqualTo(3);
        assertThat(container.getStopGracePeriod()).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(task.getRestartPolicy().getCondition()).isEqualTo(ServiceRestartCondition.ANY);
        assertThat(task.getRestartPolicy().getDelay()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(task.getRestartPolicy().getMaxAttempts()).isZero();
        assertThat(task.getResources().getLimits().getMemoryBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(task.getResources().getLimits().getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(task.getPlacement().getConstraints()).containsExactly("node.id==" + localNodeId());
        // swarm stores the id of its own swarm-scoped "host" network (not the engine's local one)
        assertThat(task.getNetworks()).singleElement().satisfies(n -> {
            var network = docker.inspectNetworkCmd().withNetworkId(n.getTarget()).exec();
            assertThat(network.getName()).isEqualTo("host");
            assertThat(network.getScope()).isEqualTo("swarm");
        });

        ServiceStatus status = awaitStatus(spec.name(), s -> s.running() && s.containerId().isPresent());
        InspectContainerResponse running = docker.inspectContainerCmd(status.containerId().orElseThrow()).exec();
        assertThat(running.getConfig().getLabels())
                .containsEntry("controlplane.instance_id", "inst-1")
                .containsEntry(DesiredService.SERVICE_NAME_LABEL, spec.name());
        assertThat(running.getConfig().getUser()).isEqualTo("100:102");
        assertThat(running.getHostConfig().getNetworkMode()).isEqualTo("host");
        assertThat(running.getHostConfig().getMemory()).isEqualTo(256L * 1024 * 1024);
        assertThat(running.getMounts()).anySatisfy(m -> {
            assertThat(m.getDestination().getPath()).isEqualTo("/opt/controlplane/configs");
            assertThat(m.getRW()).isFalse();
        });
        assertThat(running.getMounts()).anySatisfy(m -> {
            assertThat(m.getDestination().getPath()).isEqualTo("/srv/pg");
            assertThat(m.getRW()).isTrue();
        });
    }

    @Test
    void ensureIsIdempotentWhenSpecUnchanged() {
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).build();
        assertThat(orchestrator.ensureService(spec)).isEqualTo(ServiceChange.CREATED);
        String containerId = awaitStatus(spec.name(), ServiceStatus::running).containerId().orElseThrow();
        long version = docker.inspectServiceCmd(spec.name()).exec().getVersion().getIndex();

        assertThat(orchestrator.ensureService(spec)).isEqualTo(ServiceChange.UNCHANGED);

        assertThat(docker.inspectServiceCmd(spec.name()).exec().getVersion().getIndex()).isEqualTo(version);
        ServiceStatus status = orchestrator.serviceStatus(spec.name()).orElseThrow();
        assertThat(status.running()).isTrue();
        assertThat(status.containerId()).contains(containerId);
    }

    @Test
    void changedSpecUpdatesAndReplacesContainer() {
        SpecBuilder builder = spec(uniqueName(), List.of("sleep", "3600")).env(Map.of("GENERATION", "1"));
        ServiceSpec first = builder.build();
        orchestrator.ensureService(first);
        String oldContainer = awaitStatus(first.name(), ServiceStatus::running).containerId().orElseThrow();

        ServiceSpec second = builder.env(Map.of("GENERATION", "2")).build();
        assertThat(orchestrator.ensureService(second)).isEqualTo(ServiceChange.UPDATED);

        ServiceStatus status = awaitStatus(first.name(),
                s -> s.running() && s.containerId().isPresent() && !s.containerId().get().equals(oldContainer));
        assertThat(docker.inspectContainerCmd(status.containerId().orElseThrow()).exec().getConfig().getEnv())
                .contains("GENERATION=2");
        assertThat(orchestrator.ensureService(second)).isEqualTo(ServiceChange.UNCHANGED);
    }

    @Test
    void removeWaitsUntilContainerGone() {
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).build();
        orchestrator.ensureService(spec);
        awaitStatus(spec.name(), ServiceStatus::running);

        assertThat(orchestrator.removeService(spec.name(), WAIT)).isTrue();

        assertThat(docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DesiredService.SERVICE_NAME_LABEL, spec.name())).exec()).isEmpty();
        assertThat(orchestrator.serviceStatus(spec.name())).isEmpty();
        assertThat(orchestrator.removeService(spec.name(), WAIT)).isFalse();
        assertThat(orchestrator.removeService("cp-test-unknown-" + RUN_ID, Duration.ofSeconds(5))).isFalse();
    }

    @Test
    void statusReportsRunningTaskAndHealth() {
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600"))
                .healthCheck(List.of("CMD", "python3", "-c", "import sys; sys.exit(0)"))
                .build();
        orchestrator.ensureService(spec);

        // the container turns healthy a moment before Swarm moves the task from "starting" to "running"
        ServiceStatus status = awaitStatus(spec.name(),
                s -> s.health().filter("healthy"::equals).isPresent() && "running".equals(s.taskState()));

        assertThat(status.name()).isEqualTo(spec.name());
        assertThat(status.taskState()).isEqualTo("running");
        assertThat(status.runningTasks()).isEqualTo(1);
        assertThat(status.containerId()).isPresent();
        assertThat(orchestrator.serviceStatus("cp-test-unknown-" + RUN_ID)).isEmpty();
    }

    @Test
    void statusReportsFailingTask() {
        ServiceSpec spec = spec(uniqueName(), List.of("false")).restartDelay(Duration.ofSeconds(30)).build();
        orchestrator.ensureService(spec);

        ServiceStatus status = awaitStatus(spec.name(), s -> List.of("failed", "rejected").contains(s.taskState())
                || s.message().filter(m -> m.contains("non-zero exit")).isPresent());

        assertThat(status.running()).isFalse();
        assertThat(status.message()).hasValueSatisfying(m -> assertThat(m).contains("non-zero exit (1)"));
    }

    @Test
    void restartReplacesContainer() {
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).build();
        orchestrator.ensureService(spec);
        String oldContainer = awaitStatus(spec.name(), ServiceStatus::running).containerId().orElseThrow();

        orchestrator.restartService(spec.name());

        awaitStatus(spec.name(),
                s -> s.running() && s.containerId().isPresent() && !s.containerId().get().equals(oldContainer));
        assertThat(orchestrator.ensureService(spec)).isEqualTo(ServiceChange.UNCHANGED);
    }

    @Test
    void scaleToZeroStopsTheContainerUntilScaledBackAndAnUnchangedSpecKeepsItStopped() {
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).build();
        orchestrator.ensureService(spec);
        awaitStatus(spec.name(), ServiceStatus::running);

        assertThat(orchestrator.scaleService(spec.name(), 0, WAIT)).isTrue();

        assertThat(docker.listContainersCmd().withLabelFilter(Map.of(DesiredService.SERVICE_NAME_LABEL, spec.name()))
                .exec()).as("running containers").isEmpty();
        assertThat(orchestrator.ensureService(spec)).isEqualTo(ServiceChange.UNCHANGED);
        assertThat(orchestrator.serviceStatus(spec.name()).orElseThrow().running()).isFalse();
        assertThat(orchestrator.scaleService(spec.name(), 0, WAIT)).as("already stopped").isFalse();

        assertThat(orchestrator.scaleService(spec.name(), 1, WAIT)).isTrue();
        assertThat(awaitStatus(spec.name(), ServiceStatus::running).runningTasks()).isEqualTo(1);
        assertThatThrownBy(() -> orchestrator.scaleService("cp-test-unknown-" + RUN_ID, 0, WAIT))
                .isInstanceOf(PermanentException.class);
    }

    @Test
    void execStreamsEveryLineOfBothStreamsAndReturnsTheExitCode() {
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).build();
        orchestrator.ensureService(spec);
        awaitStatus(spec.name(), s -> s.running() && "running".equals(s.taskState()));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        // a silent pause between lines, a line on stderr, a last line without a line break
        var result = orchestrator.exec(spec.name(), List.of("sh", "-c",
                "echo first; sleep 1; echo 'on stderr' >&2; id -u; printf 'no newline'; exit 3"),
                Duration.ofSeconds(30), lines::add);

        assertThat(lines).containsExactly("first", "on stderr", "100", "no newline");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.lastLines()).containsExactlyElementsOf(lines);
    }

    @Test
    void execInAServiceWithoutRunningContainerIsTransient() {
        assertThatThrownBy(() -> orchestrator.exec("cp-test-unknown-" + RUN_ID, List.of("true"), Duration.ofSeconds(5),
                line -> { })).isInstanceOf(TransientException.class).hasMessageContaining("does not exist");
    }

    @Test
    void listServicesFiltersByLabels() {
        ServiceSpec a = spec(uniqueName(), List.of("sleep", "3600")).labels(Map.of("controlplane.role", "a")).build();
        ServiceSpec b = spec(uniqueName(), List.of("sleep", "3600")).labels(Map.of("controlplane.role", "b")).build();
        orchestrator.ensureService(a);
        orchestrator.ensureService(b);

        assertThat(orchestrator.listServices(Map.of(TEST_LABEL, RUN_ID, "controlplane.role", "a")))
                .containsExactly(a.name());
        assertThat(orchestrator.listServices(Map.of(TEST_LABEL, RUN_ID))).contains(a.name(), b.name());
        assertThat(orchestrator.listServices(Map.of(TEST_LABEL, "no-such-run"))).isEmpty();
    }

    @Test
    void missingImageIsPermanentError() {
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).image("controlplane/does-not-exist:1").build();

        assertThat(orchestrator.imageExists("controlplane/does-not-exist:1")).isFalse();
        assertThat(orchestrator.imageExists(IMAGE)).isTrue();
        assertThatThrownBy(() -> orchestrator.ensureService(spec))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("image controlplane/does-not-exist:1 does not exist on host");
        assertThat(orchestrator.serviceStatus(spec.name())).isEmpty();
    }

    @Test
    void refusedSpecIsPermanentErrorWithDaemonMessage() {
        // swarm validates the health check at create time (bind mount paths only when the task starts)
        ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).healthInterval(Duration.ofNanos(500_000)).build();

        assertThatThrownBy(() -> orchestrator.ensureService(spec))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("docker refused service " + spec.name() + ": ")
                .hasMessageContaining("Interval in HealthConfig cannot be less than 1ms");
        assertThat(orchestrator.serviceStatus(spec.name())).isEmpty();
    }

    @Test
    void unreachableDockerIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        for (String host : List.of("unix:///tmp/nonexistent-" + RUN_ID + ".sock", "tcp://127.0.0.1:" + closedPort)) {
            try (SwarmOrchestrator unreachable = new SwarmOrchestrator(host)) {
                ServiceSpec spec = spec(uniqueName(), List.of("sleep", "3600")).build();
                assertThatThrownBy(() -> unreachable.ensureService(spec))
                        .isInstanceOf(TransientException.class)
                        .hasMessageStartingWith("docker is not reachable at " + host);
                assertThatThrownBy(() -> unreachable.serviceStatus(spec.name())).isInstanceOf(TransientException.class);
                ComponentHealth health = unreachable.health();
                assertThat(health.healthy()).isFalse();
                assertThat(health.errorOrNull()).contains("not reachable");
            }
        }
    }

    @Test
    void healthReportsNodeId() {
        ComponentHealth health = orchestrator.health();

        assertThat(health.healthy()).isTrue();
        assertThat(health.details())
                .containsEntry("swarm_node_id", localNodeId())
                .containsEntry("swarm_state", "active")
                .containsKey("server_version");
        assertThat((String) health.details().get("server_version")).isNotBlank();
    }

    // --- helpers

    private static String localNodeId() {
        return docker.infoCmd().exec().getSwarm().getNodeID();
    }

    private static synchronized String uniqueName() {
        return "cp-test-" + RUN_ID + "-" + (++serviceCounter);
    }

    private static ServiceStatus awaitStatus(String name, Predicate<ServiceStatus> condition) {
        return await("status of " + name + " to match", () -> orchestrator.serviceStatus(name).filter(condition));
    }

    /** Polls until the supplier returns a value; fails with the last observation after {@link #WAIT}. */
    private static <T> T await(String what, Supplier<Optional<T>> probe) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what + "; last status: "
                        + (what.startsWith("status of ") ? orchestrator.serviceStatus(what.split(" ")[2]) : "-"));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static SpecBuilder spec(String name, List<String> command) {
        return new SpecBuilder(name, command);
    }

    /** A small test spec: sleeps as 100:102 on the host network with a health check that passes. */
    private static final class SpecBuilder {
        private final String name;
        private final List<String> command;
        private String image = IMAGE;
        private Map<String, String> env = Map.of();
        private Map<String, String> labels = Map.of();
        private List<ServiceSpec.BindMount> mounts = List.of();
        private List<String> healthTest = List.of("CMD", "true");
        private Long memory;
        private Long nanoCpus;
        private Duration restartDelay = Duration.ofSeconds(1);
        private Duration healthInterval = Duration.ofSeconds(1);

        SpecBuilder(String name, List<String> command) {
            this.name = name;
            this.command = command;
        }

        SpecBuilder image(String value) {
            image = value;
            return this;
        }

        SpecBuilder env(Map<String, String> value) {
            env = value;
            return this;
        }

        SpecBuilder labels(Map<String, String> value) {
            labels = value;
            return this;
        }

        SpecBuilder mounts(List<ServiceSpec.BindMount> value) {
            mounts = value;
            return this;
        }

        SpecBuilder healthCheck(List<String> test) {
            healthTest = test;
            return this;
        }

        SpecBuilder limits(Long memoryBytes, Long cpus) {
            memory = memoryBytes;
            nanoCpus = cpus;
            return this;
        }

        SpecBuilder healthInterval(Duration value) {
            healthInterval = value;
            return this;
        }

        SpecBuilder restartDelay(Duration value) {
            restartDelay = value;
            return this;
        }

        ServiceSpec build() {
            Map<String, String> allLabels = new HashMap<>(labels);
            allLabels.put(TEST_LABEL, RUN_ID);
            return new ServiceSpec(name, image, command, env, allLabels, mounts, "100:102", true, memory, nanoCpus,
                    new ServiceSpec.HealthCheck(healthTest, healthInterval, Duration.ofSeconds(3), 3,
                            Duration.ofSeconds(5)),
                    restartDelay, Duration.ofSeconds(2));
        }
    }
}
