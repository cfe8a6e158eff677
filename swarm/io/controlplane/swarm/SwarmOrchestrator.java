package io.controlplane.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.api.model.TaskStatus;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.controlplane.common.FailureKind;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.orchestrator.ComponentHealth;
import io.controlplane.orchestrator.ExecResult;
import io.controlplane.orchestrator.Orchestrator;
import io.controlplane.orchestrator.ServiceChange;
import io.controlplane.orchestrator.ServiceSpec;
import io.controlplane.orchestrator.ServiceStatus;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Orchestrator} on the local Docker Engine in Swarm mode. Each service has one replica, pinned
 * to this node, and carries the hash of its {@link ServiceSpec} so that {@link #ensureService} only
 * updates (and so restarts) a service whose spec really changed.
 */
public class SwarmOrchestrator implements Orchestrator, AutoCloseable {

    /** The engine we are tested against is 20.10; pinning keeps the daemon from resolving image digests. */
    static final String API_VERSION = "1.41";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Pattern DAEMON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Logger log = LoggerFactory.getLogger(SwarmOrchestrator.class);

    /**
     * Reading an exec's output may wait as long as the command is silent (a pgBackRest backup copies for
     * minutes without a line), so exec has a client of its own without the short response timeout.
     */
    private static final Duration EXEC_RESPONSE_TIMEOUT = Duration.ofHours(24);
    /** How many of the last output lines an {@link ExecResult} keeps for error messages. */
    private static final int EXEC_TAIL_LINES = 20;

    private final String dockerHost;
    private final DockerClient docker;
    private final DockerClient execDocker;
    private volatile String localNodeId;

    public SwarmOrchestrator(String dockerHost) {
        this.dockerHost = Objects.requireNonNull(dockerHost, "dockerHost");
        this.docker = connect(dockerHost);
        this.execDocker = connect(dockerHost, EXEC_RESPONSE_TIMEOUT);
    }

    /** A client for the engine at {@code dockerHost}, API pinned to {@value #API_VERSION}; connects lazily. */
    static DockerClient connect(String dockerHost) {
        return connect(dockerHost, RESPONSE_TIMEOUT);
    }

    private static DockerClient connect(String dockerHost, Duration responseTimeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withDockerTlsVerify(false)
                .withApiVersion(API_VERSION)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(responseTimeout)
                .maxConnections(16)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    @Override
    public ServiceChange ensureService(ServiceSpec spec) {
        String hash = DesiredService.hash(spec);
        Optional<Service> existing = findService(spec.name());
        if (existing.isPresent()) {
            Service service = existing.get();
            Map<String, String> labels = service.getSpec().getLabels();
            if (labels != null && hash.equals(labels.get(DesiredService.SPEC_HASH_LABEL))) {
                return ServiceChange.UNCHANGED;
            }
            requireImage(spec);
            com.github.dockerjava.api.model.ServiceSpec desired = DesiredService.of(spec, localNodeId());
            // keep the restart counter, so that a later restartService still moves it forward
            TaskSpec current = service.getSpec().getTaskTemplate();
            if (current != null && current.getForceUpdate() != null) {
                desired.getTaskTemplate().withForceUpdate(current.getForceUpdate());
            }
            refusable(spec.name(), () -> docker.updateServiceCmd(service.getId(), desired)
                    .withVersion(service.getVersion().getIndex()).exec());
            log.info("updated swarm service {} (image {}, spec hash {})", spec.name(), spec.image(), shortHash(hash));
            return ServiceChange.UPDATED;
        }
        requireImage(spec);
        com.github.dockerjava.api.model.ServiceSpec desired = DesiredService.of(spec, localNodeId());
        refusable(spec.name(), () -> docker.createServiceCmd(desired).exec());
        log.info("created swarm service {} (image {}, spec hash {})", spec.name(), spec.image(), shortHash(hash));
        return ServiceChange.CREATED;
    }

    @Override
    public boolean removeService(String name, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        boolean existed = findService(name).map(service -> {
            // absent: removed by someone else meanwhile
            return ifFound("remove service " + name, () -> {
                docker.removeServiceCmd(service.getId()).exec();
                return true;
            }).isPresent();
        }).orElse(false);
        if (existed) {
            log.info("removed swarm service {}", name);
        }
        while (true) {
            List<com.github.dockerjava.api.model.Container> left = call("list containers of " + name,
                    () -> docker.listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(DesiredService.SERVICE_NAME_LABEL, name))
                    .exec());
            if (left.isEmpty()) {
                return existed;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TransientException("containers of swarm service " + name + " still exist after "
                        + timeout.toSeconds() + "s: " + left.stream().map(c -> shortId(c.getId())).toList());
            }
            pause();
        }
    }

    @Override
    public Optional<ServiceStatus> serviceStatus(String name) {
        Optional<Service> service = findService(name);
        if (service.isEmpty()) {
            return Optional.empty();
        }
        List<Task> tasks = call("list tasks of " + name,
                () -> docker.listTasksCmd().withServiceFilter(service.get().getId()).exec());
        int running = countRunning(tasks);
        List<Task> newestFirst = tasks.stream().sorted(Comparator
                .comparing((Task t) -> instant(t.getCreatedAt()))
                .thenComparing(t -> instant(t.getUpdatedAt())).reversed()).toList();
        if (newestFirst.isEmpty()) {
            return Optional.of(new ServiceStatus(name, "pending", "no task yet", null, null, 0));
        }
        Task task = newestFirst.get(0);
        TaskStatus status = task.getStatus();
        String state = stateOf(task) == null ? "unknown" : stateOf(task).getValue().toLowerCase();
        String message = null;
        String containerId = null;
        if (status != null) {
            message = notBlank(status.getErr()) ? status.getErr() : notBlank(status.getMessage()) ? status.getMessage() : null;
            if (status.getContainerStatus() != null && notBlank(status.getContainerStatus().getContainerID())) {
                containerId = status.getContainerStatus().getContainerID();
            }
        }
        // During the restart delay the newest task waits in "ready" ("prepared"); the reason for the
        // restart is the error of the task before it.
        if (stateOf(task) != TaskState.RUNNING && (status == null || !notBlank(status.getErr()))
                && newestFirst.size() > 1) {
            TaskStatus previous = newestFirst.get(1).getStatus();
            if (previous != null && notBlank(previous.getErr())) {
                message = "previous task failed: " + previous.getErr();
            }
        }
        return Optional.of(new ServiceStatus(name, state, message, containerId, containerHealth(containerId), running));
    }

    private int runningTasks(String serviceId, String name) {
        return countRunning(call("list tasks of " + name, () -> docker.listTasksCmd().withServiceFilter(serviceId).exec()));
    }

    private static int countRunning(List<Task> tasks) {
        return (int) tasks.stream().filter(t -> stateOf(t) == TaskState.RUNNING).count();
    }

    @Override
    public boolean scaleService(String name, int replicas, Duration timeout) {
        Service service = findService(name)
                .orElseThrow(() -> new PermanentException("swarm service " + name + " does not exist"));
        com.github.dockerjava.api.model.ServiceSpec spec = service.getSpec();
        ServiceReplicatedModeOptions replicated = spec.getMode() == null ? null : spec.getMode().getReplicated();
        if (replicated == null) {
            throw new PermanentException("swarm service " + name + " is not a replicated service");
        }
        boolean changed = replicated.getReplicas() != replicas;
        if (changed) {
            replicated.withReplicas(replicas);
            refusable(name, () -> docker.updateServiceCmd(service.getId(), spec)
                    .withVersion(service.getVersion().getIndex()).exec());
            log.info("scaled swarm service {} to {} replica(s)", name, replicas);
        }
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            int running = call("list running containers of " + name, () -> docker.listContainersCmd()
                    .withLabelFilter(Map.of(DesiredService.SERVICE_NAME_LABEL, name)).exec()).size();
            // Swarm reports a task's state a moment after its container stopped or started: done once both agree
            if (running == replicas && runningTasks(service.getId(), name) == replicas) {
                return changed;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TransientException("swarm service " + name + " has " + running + " running container(s) "
                        + timeout.toSeconds() + " s after scaling it to " + replicas);
            }
            pause();
        }
    }

    @Override
    public void restartService(String name) {
        Service service = findService(name)
                .orElseThrow(() -> new PermanentException("swarm service " + name + " does not exist"));
        com.github.dockerjava.api.model.ServiceSpec spec = service.getSpec();
        TaskSpec task = spec.getTaskTemplate();
        task.withForceUpdate(task.getForceUpdate() == null ? 1 : task.getForceUpdate() + 1);
        refusable(name, () -> docker.updateServiceCmd(service.getId(), spec)
                .withVersion(service.getVersion().getIndex()).exec());
        log.info("restarting swarm service {} (force update {})", name, task.getForceUpdate());
    }

    @Override
    public ExecResult exec(String serviceName, List<String> command, Duration timeout, Consumer<String> lines) {
        ServiceStatus status = serviceStatus(serviceName).orElseThrow(() -> new TransientException(
                "swarm service " + serviceName + " does not exist (yet)"));
        String container = status.containerId().filter(c -> "running".equals(status.taskState()))
                .orElseThrow(() -> new TransientException("swarm service " + serviceName + " has no running container"
                        + " (task " + status.taskState() + status.message().map(m -> ": " + m).orElse("") + ")"));
        String execId = call("create exec in " + shortId(container), () -> execDocker.execCreateCmd(container)
                .withCmd(command.toArray(String[]::new)).withAttachStdout(true).withAttachStderr(true).exec()).getId();
        ExecOutput output = new ExecOutput(lines, EXEC_TAIL_LINES);
        boolean finished;
        try {
            finished = raw(() -> {
                try {
                    return execDocker.execStartCmd(execId).exec(output).awaitCompletion(timeout.toMillis(),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransientException("interrupted while running " + command.get(0) + " in " + serviceName, e);
                }
            });
        } catch (DockerException e) {
            throw DockerFailures.translate(e, "run " + command.get(0) + " in " + serviceName);
        } finally {
            output.flush();
        }
        if (!finished) {
            closeQuietly(output);
            throw new TransientException(command.get(0) + " in " + serviceName + " still runs after "
                    + timeout.toSeconds() + " s; it was left running");
        }
        Long exitCode = call("inspect exec", () -> execDocker.inspectExecCmd(execId).exec()).getExitCodeLong();
        return new ExecResult(exitCode == null ? -1 : exitCode.intValue(), output.tail());
    }

    @Override
    public List<String> listServices(Map<String, String> labels) {
        List<Service> services = call("list services", () -> labels.isEmpty()
                ? docker.listServicesCmd().exec()
                : docker.listServicesCmd().withLabelFilter(labels).exec());
        return services.stream().map(s -> s.getSpec().getName()).sorted().toList();
    }

    @Override
    public boolean imageExists(String image) {
        return ifFound("inspect image " + image, () -> docker.inspectImageCmd(image).exec()).isPresent();
    }

    @Override
    public ComponentHealth health() {
        try {
            call("ping", () -> docker.pingCmd().exec());
            Info info = call("info", () -> docker.infoCmd().exec());
            SwarmInfo swarm = info.getSwarm();
            String nodeId = swarm == null ? "" : Objects.toString(swarm.getNodeID(), "");
            String state = swarm == null || swarm.getLocalNodeState() == null ? "" : swarm.getLocalNodeState().getValue();
            if (!"active".equals(state) || nodeId.isEmpty()) {
                return ComponentHealth.failed("docker at " + dockerHost + " is not an active swarm node (state '"
                        + state + "')");
            }
            return ComponentHealth.ok(Map.of(
                    "swarm_node_id", nodeId,
                    "swarm_state", state,
                    "server_version", Objects.toString(info.getServerVersion(), "")));
        } catch (RuntimeException e) {
            return ComponentHealth.failed(Objects.toString(e.getMessage(), e.getClass().getSimpleName()));
        }
    }

    @Override
    public void close() {
        closeQuietly(docker);
        closeQuietly(execDocker);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            log.debug("closing {} failed", closeable, e);
        }
    }

    /** The swarm node id of this engine; services are pinned to it. */
    String localNodeId() {
        String id = localNodeId;
        if (id == null) {
            SwarmInfo swarm = call("info", () -> docker.infoCmd().exec()).getSwarm();
            id = swarm == null ? null : swarm.getNodeID();
            if (id == null || id.isBlank()) {
                throw new PermanentException("docker at " + dockerHost + " is not part of a swarm (docker info has no Swarm.NodeID)");
            }
            localNodeId = id;
        }
        return id;
    }

    private Optional<Service> findService(String name) {
        // by name, not by a list filter: the name filter of /services matches prefixes
        return ifFound("inspect service " + name, () -> docker.inspectServiceCmd(name).exec())
                .filter(s -> s.getSpec() != null && name.equals(s.getSpec().getName()));
    }

    /**
     * Swarm accepts a service whose image is missing on the node and then rejects every task with
     * "No such image"; failing before the service exists gives the operator the cause at once.
     */
    private void requireImage(ServiceSpec spec) {
        if (!imageExists(spec.image())) {
            throw new PermanentException("image " + spec.image() + " does not exist on host (service " + spec.name() + ")");
        }
    }

    private String containerHealth(String containerId) {
        if (containerId == null) {
            return null;
        }
        // absent: removed already, or on another node
        Optional<InspectContainerResponse> container = ifFound("inspect container " + shortId(containerId),
                () -> docker.inspectContainerCmd(containerId).exec());
        HealthState health = container.map(c -> c.getState() == null ? null : c.getState().getHealth()).orElse(null);
        return health == null ? null : health.getStatus();
    }

    /**
     * A create or update: a spec the daemon refuses (4xx) is the spec's fault, with the daemon's words;
     * a conflicting change by someone else or a daemon error may clear by itself ({@link DockerFailures}).
     */
    private void refusable(String service, Runnable command) {
        try {
            raw(() -> {
                command.run();
                return null;
            });
        } catch (DockerException e) {
            String message = daemonMessage(e);
            if (message.contains("update out of sequence")) {
                // someone else updated the service between our read and write: reading again fixes it
                throw new TransientException("swarm service " + service + " changed meanwhile: " + message, e);
            }
            if (DockerFailures.failureKind(e.getHttpStatus(), message) == FailureKind.TRANSIENT) {
                throw new TransientException("docker could not change service " + service + " now ("
                        + e.getHttpStatus() + "): " + message, e);
            }
            throw new PermanentException("docker refused service " + service + ": " + message, e);
        }
    }

    /** Runs one API call; every docker-java exception leaves as one of ours ({@link DockerFailures}). */
    private <T> T call(String what, Supplier<T> command) {
        try {
            return raw(command);
        } catch (DockerException e) {
            throw DockerFailures.translate(e, what);
        }
    }

    /** Like {@link #call}, with "no such object" (404) as empty. */
    private <T> Optional<T> ifFound(String what, Supplier<T> command) {
        try {
            return Optional.ofNullable(raw(command));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (DockerException e) {
            throw DockerFailures.translate(e, what);
        }
    }

    /**
     * Runs one API call; an unreachable daemon or a timeout becomes a {@link TransientException}, a
     * client-side failure (bad docker host, TLS set-up) a {@link PermanentException}; the daemon's own
     * answers stay docker-java's for the caller to map.
     */
    private <T> T raw(Supplier<T> command) {
        try {
            return command.get();
        } catch (DockerException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isConnectionFailure(e)) {
                throw new TransientException("docker is not reachable at " + dockerHost + ": " + rootMessage(e), e);
            }
            if (e instanceof DockerClientException) {
                throw new PermanentException("docker client for " + dockerHost + " failed: " + rootMessage(e), e);
            }
            throw e;
        }
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) { // includes connect failures and socket timeouts
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** docker-java's message is {@code Status 400: {"message":"..."}}; keep the daemon's text only. */
    static String daemonMessage(DockerException e) {
        String raw = Objects.toString(e.getMessage(), "HTTP " + e.getHttpStatus());
        Matcher m = DAEMON_MESSAGE.matcher(raw);
        if (m.find()) {
            return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\").replace("\\n", " ").trim();
        }
        return raw.trim();
    }

    private static TaskState stateOf(Task task) {
        return task.getStatus() == null ? null : task.getStatus().getState();
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return Instant.EPOCH;
        }
        try {
            return Instant.parse(timestamp);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String shortId(String id) {
        return id == null || id.length() <= 12 ? String.valueOf(id) : id.substring(0, 12);
    }

    private static String shortHash(String hash) {
        return hash.substring(0, 12);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while waiting for docker", e);
        }
    }
}
