package io.controlplane.database;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.cluster.ClusterService;
import io.controlplane.database.DatabaseException.Kind;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.orchestrator.Orchestrator;
import io.controlplane.resource.InstanceSpec;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The API's rules for the HA operations (reference §2.3): switchover, failover, restart, stop and start
 * of an instance, and the rolling image change. Requests are checked synchronously (400 with the field,
 * 404, 409) against the stored state and the instance monitor's view; then the operation's process
 * starts. One HA operation holds a node at a time ({@link NodeOperation}); a second one for the same
 * node is 409 {@code operation_already_in_progress}.
 */
@Service
public class HaOperationService {

    /** A claim younger than this whose task is not visible yet belongs to a request still starting. */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(60);
    private static final Set<InstanceState> STOPPABLE = Set.of(InstanceState.AVAILABLE, InstanceState.DEGRADED);
    private static final Set<InstanceState> STARTABLE = Set.of(InstanceState.STOPPED, InstanceState.UNKNOWN);

    private final DatabaseStore store;
    private final DatabaseService databases;
    private final ClusterService cluster;
    private final OperationRunner runner;
    private final TaskService tasks;
    private final ImageManifest manifest;
    private final Orchestrator orchestrator;

    public HaOperationService(DatabaseStore store, DatabaseService databases, ClusterService cluster,
                              OperationRunner runner, TaskService tasks, ImageManifest manifest,
                              Orchestrator orchestrator) {
        this.store = store;
        this.databases = databases;
        this.cluster = cluster;
        this.runner = runner;
        this.tasks = tasks;
        this.manifest = manifest;
        this.orchestrator = orchestrator;
    }

    /** A newer (or rebuilt) image of the database's Postgres major that this host has (pgEdge's AvailableUpgrade). */
    public record AvailableUpgrade(String postgresVersion, String spockVersion, String image) {
    }

    // ---- switchover and failover

    /** POST .../nodes/{node}/switchover {@code {candidate_instance_id?, scheduled_at?}}. */
    public Task switchover(String databaseId, String nodeName, JsonNode body) {
        JsonNode request = object(body);
        Optional<String> candidate = instanceIdField(request, "candidate_instance_id");
        Optional<Instant> scheduledAt = scheduledAt(request);
        rejectUnknownFields(request, Set.of("candidate_instance_id", "scheduled_at"));
        DatabaseDetails db = modifiableNode(databaseId, nodeName);
        List<DatabaseDetails.InstanceDetails> node = instancesOf(db, nodeName);
        if (node.size() < 2) {
            throw invalid("node " + nodeName + " has a single instance: there is no replica to switch over to");
        }
        if (node.stream().noneMatch(HaOperationService::runningPrimary)) {
            throw new DatabaseException(Kind.NOT_FOUND, "no primary instance found for the given node");
        }
        candidate.ifPresent(c -> requireAvailableCandidate(db, nodeName, c));
        return start(databaseId, nodeName, ProcessVariables.SWITCHOVER, ProcessKeys.SWITCHOVER_NODE,
                NewTask.forDatabase(databaseId, ProcessVariables.SWITCHOVER).withNode(nodeName)
                        .withInstance(candidate.orElse(""), candidate.map(c -> hostOf(db, c)).orElse("")),
                ProcessVariables.switchover(databaseId, cluster.hostId(), nodeName, candidate.orElse(""),
                        scheduledAt.map(Instant::toString).orElse("")));
    }

    /** POST .../nodes/{node}/failover {@code {candidate_instance_id?, skip_validation?}}. */
    public Task failover(String databaseId, String nodeName, JsonNode body) {
        JsonNode request = object(body);
        Optional<String> candidate = instanceIdField(request, "candidate_instance_id");
        boolean skipValidation = booleanField(request, "skip_validation");
        rejectUnknownFields(request, Set.of("candidate_instance_id", "skip_validation"));
        DatabaseDetails db = modifiableNode(databaseId, nodeName);
        List<DatabaseDetails.InstanceDetails> node = instancesOf(db, nodeName);
        if (node.size() < 2) {
            throw invalid("node " + nodeName + " has a single instance: there is no replica to fail over to");
        }
        candidate.ifPresent(c -> requireAvailableCandidate(db, nodeName, c));
        if (!skipValidation) {
            healthy(node).ifPresent(why -> {
                throw invalid("node " + nodeName + " is healthy (" + why + "); refuse failover unless "
                        + "skip_validation is true, or use a switchover");
            });
        }
        return start(databaseId, nodeName, ProcessVariables.FAILOVER, ProcessKeys.FAILOVER_NODE,
                NewTask.forDatabase(databaseId, ProcessVariables.FAILOVER).withNode(nodeName)
                        .withInstance(candidate.orElse(""), candidate.map(c -> hostOf(db, c)).orElse("")),
                ProcessVariables.failover(databaseId, cluster.hostId(), nodeName, candidate.orElse(""),
                        skipValidation));
    }

    // ---- restart, stop and start of an instance

    /** POST .../instances/{id}/restart {@code {scheduled_at?}}: only an available instance restarts. */
    public Task restart(String databaseId, String instanceId, JsonNode body) {
        JsonNode request = object(body);
        Optional<Instant> scheduledAt = scheduledAt(request);
        rejectUnknownFields(request, Set.of("scheduled_at"));
        DatabaseDetails db = databases.get(databaseId);
        DatabaseDetails.InstanceDetails instance = instance(db, instanceId);
        requireModifiable(db, false);
        requireNodeFree(databaseId, instance.record().nodeName());
        if (instance.state() != InstanceState.AVAILABLE) {
            throw invalid("instance " + instanceId + " is not restartable, it is in " + instance.state().wireName()
                    + " state");
        }
        return startInstanceOperation(db, instance, ProcessVariables.RESTART_INSTANCE, ProcessKeys.RESTART_INSTANCE,
                scheduledAt);
    }

    /** POST .../instances/{id}/stop-instance: an available or degraded instance stops. */
    public Task stop(String databaseId, String instanceId, boolean force) {
        DatabaseDetails db = databases.get(databaseId);
        DatabaseDetails.InstanceDetails instance = instance(db, instanceId);
        requireModifiable(db, force);
        requireNodeFree(databaseId, instance.record().nodeName());
        if (!STOPPABLE.contains(instance.state())) {
            throw invalid("instance " + instanceId + " cannot be stopped, it is in " + instance.state().wireName()
                    + " state");
        }
        return startInstanceOperation(db, instance, ProcessVariables.STOP_INSTANCE, ProcessKeys.STOP_INSTANCE,
                Optional.empty());
    }

    /** POST .../instances/{id}/start-instance: a stopped (or unknown) instance starts. */
    public Task start(String databaseId, String instanceId, boolean force) {
        DatabaseDetails db = databases.get(databaseId);
        DatabaseDetails.InstanceDetails instance = instance(db, instanceId);
        requireModifiable(db, force);
        requireNodeFree(databaseId, instance.record().nodeName());
        if (!STARTABLE.contains(instance.state())) {
            throw invalid("instance " + instanceId + " cannot be started, it is in " + instance.state().wireName()
                    + " state");
        }
        return startInstanceOperation(db, instance, ProcessVariables.START_INSTANCE, ProcessKeys.START_INSTANCE,
                Optional.empty());
    }

    // ---- the rolling image change

    /**
     * The images a database can change to on this host: stable manifest entries of its Postgres major, at
     * its version or newer, other than the image all its instances run, whose image this host has.
     */
    public List<AvailableUpgrade> availableUpgrades(DatabaseDetails db) {
        Optional<DatabaseSpec> spec = db.spec().or(() -> store.spec(db.record().id()));
        if (spec.isEmpty() || spec.get().postgresVersion().isEmpty()) {
            return List.of();
        }
        String version = spec.get().postgresVersion().get();
        Set<String> running = store.instanceSpecs(db.record().id()).values().stream().map(InstanceSpec::image)
                .collect(Collectors.toSet());
        Map<String, Boolean> present = new HashMap<>();
        List<AvailableUpgrade> result = new ArrayList<>();
        for (ImageManifest.Entry e : manifest.postgres()) {
            if ("stable".equals(e.stability()) && e.major().equals(major(version))
                    && compareVersions(e.postgresVersion(), version) >= 0 && !running.equals(Set.of(e.image()))
                    && present.computeIfAbsent(e.image(), orchestrator::imageExists)) {
                result.add(new AvailableUpgrade(e.postgresVersion(), e.pglogicalVersion(), e.image()));
            }
        }
        return result;
    }

    /**
     * POST /v1/databases/{id}/upgrade {@code {image}}: the spec takes the image's version and the image
     * (explicitly when it is not the manifest's image of that version), the database becomes
     * {@code modifying} and upgrade-database updates it replica first, switching each node over before
     * its old primary is updated.
     */
    public DatabaseService.Started upgrade(String databaseId, JsonNode body) {
        JsonNode request = object(body);
        JsonNode image = request.get("image");
        if (image == null || image.isNull()) {
            throw invalid("image: required");
        }
        if (!image.isTextual() || image.asText().isBlank()) {
            throw invalid("image: must be a non-empty string");
        }
        rejectUnknownFields(request, Set.of("image"));
        DatabaseDetails db = databases.get(databaseId);
        requireModifiable(db, false);
        DatabaseRecord old = db.record();
        DatabaseSpec oldSpec = store.spec(databaseId).orElseThrow(DatabaseException::notFound);
        for (Map.Entry<String, NodeOperation> held : store.nodeOperations(databaseId).entrySet()) {
            if (!stale(held.getValue())) {
                throw inProgress(held.getKey(), held.getValue());
            }
        }
        db.instances().stream().filter(i -> i.state() == InstanceState.STOPPED).findFirst().ifPresent(i -> {
            throw invalid("instance " + i.record().id() + " is stopped; start it before changing the image");
        });
        List<AvailableUpgrade> available = availableUpgrades(db);
        AvailableUpgrade target = available.stream().filter(u -> u.image().equals(image.asText())).findFirst()
                .orElseThrow(() -> invalid("image: " + image.asText() + " is not an available upgrade for database "
                        + databaseId + " (available: " + (available.isEmpty() ? "none" : available.stream()
                        .map(AvailableUpgrade::image).collect(Collectors.joining(", "))) + ")"));
        String canonical = manifest.find(target.postgresVersion()).map(ImageManifest.Entry::image).orElse("");
        DatabaseSpec spec = oldSpec.withImage(target.postgresVersion(),
                canonical.equals(target.image()) ? null : target.image());
        DatabaseRecord record = databases.transition(databaseId, DatabaseState.MODIFYING, spec, false);
        Task task;
        try {
            task = runner.start(NewTask.forDatabase(databaseId, ProcessVariables.UPGRADE), ProcessKeys.UPGRADE_DATABASE,
                    ProcessVariables.databaseOperation(databaseId, ProcessVariables.UPGRADE, cluster.hostId(), false,
                            List.of()));
        } catch (RuntimeException e) {
            store.restore(old, oldSpec);
            throw e;
        }
        return new DatabaseService.Started(task, databases.details(record, spec));
    }

    // ---- helpers

    private Task startInstanceOperation(DatabaseDetails db, DatabaseDetails.InstanceDetails instance, String type,
                                        String processKey, Optional<Instant> scheduledAt) {
        InstanceRecord r = instance.record();
        return start(db.record().id(), r.nodeName(), type, processKey,
                NewTask.forDatabase(db.record().id(), type).withNode(r.nodeName()).withInstance(r.id(), r.hostId()),
                ProcessVariables.instanceOperation(db.record().id(), type, cluster.hostId(), r.nodeName(), r.id(),
                        r.hostId(), scheduledAt.map(Instant::toString).orElse(""),
                        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
    }

    /**
     * Claims the node in the transaction that creates the task: if another operation holds it, nothing
     * is created (409); a claim never outlives a task that could not start.
     */
    private Task start(String databaseId, String nodeName, String type, String processKey, NewTask newTask,
                       Map<String, Object> variables) {
        Function<Task, Map<String, Object>> claimThenVariables = task -> {
            NodeOperation claim = new NodeOperation(task.getTaskId(), type, Instant.now());
            if (!store.claimNode(databaseId, nodeName, claim, this::stale)) {
                throw inProgress(nodeName, store.nodeOperation(databaseId, nodeName).orElse(claim));
            }
            return variables;
        };
        return runner.start(newTask, processKey, claimThenVariables);
    }

    /** A claim whose task has ended, or that no task ever came of. */
    private boolean stale(NodeOperation op) {
        Optional<Task> task = tasks.find(op.taskId());
        if (task.isPresent()) {
            return task.get().getStatus().isTerminal();
        }
        return op.claimedAt() == null || op.claimedAt().isBefore(Instant.now().minus(CLAIM_GRACE));
    }

    private static DatabaseException inProgress(String nodeName, NodeOperation op) {
        return new DatabaseException(Kind.IN_PROGRESS, "a " + op.type() + " operation on node " + nodeName
                + " is in progress (task " + op.taskId() + "); wait for it to end or cancel it");
    }

    private DatabaseDetails modifiableNode(String databaseId, String nodeName) {
        DatabaseDetails db = databases.get(databaseId);
        DatabaseSpec spec = db.spec().orElseThrow(DatabaseException::notFound);
        if (spec.node(nodeName).isEmpty()) {
            throw invalid("node " + nodeName + " is not a node of database " + databaseId + " (nodes: "
                    + spec.nodes().stream().map(n -> n.name()).collect(Collectors.joining(", ")) + ")");
        }
        requireModifiable(db, false);
        requireNodeFree(databaseId, nodeName);
        return db;
    }

    /** 409 while another HA operation holds the node: checked before the request's other rules. */
    private void requireNodeFree(String databaseId, String nodeName) {
        store.nodeOperation(databaseId, nodeName).filter(op -> !stale(op)).ifPresent(op -> {
            throw inProgress(nodeName, op);
        });
    }

    private static void requireModifiable(DatabaseDetails db, boolean force) {
        if (!force && !db.record().state().modifiable()) {
            throw new DatabaseException(Kind.NOT_MODIFIABLE, "the target database is not modifiable in its current state");
        }
    }

    private static List<DatabaseDetails.InstanceDetails> instancesOf(DatabaseDetails db, String nodeName) {
        return db.instances().stream().filter(i -> i.record().nodeName().equals(nodeName)).toList();
    }

    private static boolean runningPrimary(DatabaseDetails.InstanceDetails i) {
        return i.state() == InstanceState.AVAILABLE && i.status().flatMap(InstanceStatus::role)
                .filter("primary"::equals).isPresent();
    }

    /** Why the node is healthy (its primary runs and every instance is available), or empty when it is not. */
    private static Optional<String> healthy(List<DatabaseDetails.InstanceDetails> node) {
        List<DatabaseDetails.InstanceDetails> primaries = node.stream().filter(HaOperationService::runningPrimary).toList();
        if (primaries.size() != 1 || node.stream().anyMatch(i -> i.state() != InstanceState.AVAILABLE)) {
            return Optional.empty();
        }
        return Optional.of("primary " + primaries.get(0).record().id() + " is running and every replica is available");
    }

    private static void requireAvailableCandidate(DatabaseDetails db, String nodeName, String candidate) {
        DatabaseDetails.InstanceDetails instance = db.instances().stream()
                .filter(i -> i.record().id().equals(candidate)).findFirst()
                .orElseThrow(() -> invalid("candidate_instance_id: database " + db.record().id()
                        + " has no instance " + candidate));
        if (!instance.record().nodeName().equals(nodeName)) {
            throw invalid("candidate_instance_id: instance " + candidate + " belongs to node "
                    + instance.record().nodeName() + ", not to node " + nodeName);
        }
        if (instance.state() != InstanceState.AVAILABLE) {
            throw invalid("candidate_instance_id: instance " + candidate + " is " + instance.state().wireName()
                    + ", not available");
        }
    }

    private static String hostOf(DatabaseDetails db, String instanceId) {
        return db.instances().stream().filter(i -> i.record().id().equals(instanceId)).findFirst()
                .map(i -> i.record().hostId()).orElse("");
    }

    private static DatabaseDetails.InstanceDetails instance(DatabaseDetails db, String instanceId) {
        return db.instances().stream().filter(i -> i.record().id().equals(instanceId)).findFirst()
                .orElseThrow(() -> new DatabaseException(Kind.NOT_FOUND, "no instance " + instanceId
                        + " in database " + db.record().id()));
    }

    // ---- request bodies

    private static JsonNode object(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!body.isObject()) {
            throw invalid("the request body must be a JSON object");
        }
        return body;
    }

    private static void rejectUnknownFields(JsonNode request, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        request.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw invalid(String.join("\n", unknown.stream().map(f -> f + ": unknown field (allowed: "
                    + String.join(", ", known.stream().sorted().toList()) + ")").toList()));
        }
    }

    private static Optional<String> instanceIdField(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > 63) {
            throw invalid(field + ": must be an instance id of 1 to 63 characters");
        }
        return Optional.of(value.asText());
    }

    private static boolean booleanField(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid(field + ": must be true or false");
        }
        return value.asBoolean();
    }

    /** {@code scheduled_at}: an RFC 3339 date-time with an offset, in the future. */
    static Optional<Instant> scheduledAt(JsonNode request) {
        JsonNode value = request.get("scheduled_at");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        Instant at;
        try {
            if (!value.isTextual()) {
                throw new DateTimeParseException("not a string", value.toString(), 0);
            }
            at = OffsetDateTime.parse(value.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid("scheduled_at: " + value + " is not an RFC 3339 date-time such as 2025-06-18T16:52:05Z");
        }
        if (!at.isAfter(Instant.now())) {
            throw invalid("scheduled_at: " + value.asText() + " is in the past");
        }
        return Optional.of(at);
    }

    private static DatabaseException invalid(String message) {
        return new DatabaseException(Kind.INVALID_INPUT, message);
    }

    static String major(String version) {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    /** 15.9 < 15.18: compares the dotted numbers one by one. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? parse(x[i]) : 0, i < y.length ? parse(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int parse(String part) {
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
