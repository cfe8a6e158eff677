package io.controlplane.database;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.cluster.ClusterService;
import io.controlplane.cluster.HostRecord;
import io.controlplane.cluster.HostService;
import io.controlplane.database.DatabaseException.Kind;
import io.controlplane.database.spec.CreateDatabaseRequest;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.ParseResult;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.database.spec.SpecUpdateRules;
import io.controlplane.database.spec.UpdateDatabaseRequest;
import io.controlplane.database.spec.validation.SpecValidator;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The database API's rules (reference §2.3): synchronous validation with field paths, defaults from
 * the image manifest, the state machine that lets one operation run at a time, and the start of the
 * process that does the work. Every start is undone if the process cannot start.
 */
@Service
public class DatabaseService {

    /** A monitor status older than this makes an available instance {@code unknown}. */
    static final Duration STALE_STATUS = Duration.ofSeconds(30);

    private final DatabaseStore store;
    private final HostService hosts;
    private final ClusterService cluster;
    private final ImageManifest manifest;
    private final OperationRunner runner;
    private final TaskService tasks;
    private final SpecParser parser = new SpecParser();
    private final SpecValidator validator = new SpecValidator();
    private final SpecUpdateRules updateRules = new SpecUpdateRules();

    public DatabaseService(DatabaseStore store, HostService hosts, ClusterService cluster, ImageManifest manifest,
                           OperationRunner runner, TaskService tasks) {
        this.tasks = tasks;
        this.store = store;
        this.hosts = hosts;
        this.cluster = cluster;
        this.manifest = manifest;
        this.runner = runner;
    }

    public record Started(Task task, DatabaseDetails database) {
    }

    /**
     * A request checked exactly as its operation would check it, nothing stored: what a dry run plans
     * from. {@code current} is the stored record of an update (null for a create).
     */
    public record CheckedRequest(String databaseId, String tenantIdOrNull, DatabaseSpec spec, DatabaseRecord current) {
    }

    public Started create(JsonNode body) {
        CheckedRequest checked = checkCreate(body);
        String id = checked.databaseId();
        DatabaseSpec spec = checked.spec();
        Instant now = Instant.now();
        DatabaseRecord record = new DatabaseRecord(id, checked.tenantIdOrNull(), DatabaseState.CREATING, now,
                now, null);
        if (!store.create(record, spec)) {
            throw new DatabaseException(Kind.ALREADY_EXISTS, "a database already exists with the given ID");
        }
        Task task;
        try {
            task = runner.start(NewTask.forDatabase(id, ProcessVariables.CREATE), ProcessKeys.CREATE_DATABASE,
                    variables(id, ProcessVariables.CREATE, false, Set.of()));
        } catch (RuntimeException e) {
            store.deleteDatabase(id);
            throw e;
        }
        return new Started(task, details(record, spec));
    }

    /** Validates a create request as {@link #create} does (including an id already taken); stores nothing. */
    public CheckedRequest checkCreate(JsonNode body) {
        CreateDatabaseRequest request = parsed(parser.parseCreate(body));
        rejectIfAny(validator.validate(request));
        String id = request.id().orElseGet(() -> UUID.randomUUID().toString());
        rejectLongServiceNames(id, request.spec());
        DatabaseSpec spec = withDefaults(request.spec());
        if (store.record(id).isPresent()) {
            throw new DatabaseException(Kind.ALREADY_EXISTS, "a database already exists with the given ID");
        }
        return new CheckedRequest(id, request.tenantId().orElse(null), spec, null);
    }

    public Started update(String id, JsonNode body, boolean forceUpdate, List<String> removeHosts) {
        CheckedRequest checked = checkUpdate(id, body);
        DatabaseRecord old = checked.current();
        DatabaseSpec oldSpec = store.spec(id).orElseThrow(DatabaseException::notFound);
        DatabaseSpec spec = checked.spec();
        Set<String> removed = new LinkedHashSet<>(removeHosts);
        DatabaseRecord record = transition(id, DatabaseState.MODIFYING, spec, false);
        Task task;
        try {
            task = runner.start(NewTask.forDatabase(id, ProcessVariables.UPDATE), ProcessKeys.UPDATE_DATABASE,
                    variables(id, ProcessVariables.UPDATE, forceUpdate, removed));
        } catch (RuntimeException e) {
            store.restore(old, oldSpec);
            throw e;
        }
        return new Started(task, details(record, spec));
    }

    /**
     * Validates an update request as {@link #update} does, and that the database could start an update
     * now (not one in progress, not in a state that forbids it); stores nothing.
     */
    public CheckedRequest checkUpdate(String id, JsonNode body) {
        UpdateDatabaseRequest request = parsed(parser.parseUpdate(body));
        rejectIfAny(validator.validate(request));
        DatabaseRecord old = store.record(id).orElseThrow(DatabaseException::notFound);
        DatabaseSpec oldSpec = store.spec(id).orElseThrow(DatabaseException::notFound);
        rejectIfAny(updateRules.check(old.tenantId(), oldSpec, request.tenantId(), request.spec()));
        rejectLongServiceNames(id, request.spec());
        DatabaseSpec spec = withDefaults(updateRules.withOmittedValuesFrom(request.spec(), oldSpec));
        if (!old.state().modifiable()) {
            throw new DatabaseException(Kind.NOT_MODIFIABLE, new StateConflictException(old.state(), false).getMessage());
        }
        rejectIfAStoppedInstanceStays(id, spec);
        return new CheckedRequest(id, old.tenantIdOrNull(), spec, old);
    }

    /**
     * An instance stopped with stop-instance stays stopped until start-instance: an update would otherwise
     * either start it behind the operator's back or wait for a Patroni that cannot answer. An update that
     * removes the stopped instance (its host leaves its node) is fine.
     */
    private void rejectIfAStoppedInstanceStays(String id, DatabaseSpec spec) {
        for (InstanceRecord instance : store.instances(id).values()) {
            boolean stays = spec.nodes().stream().anyMatch(n -> n.name().equals(instance.nodeName())
                    && n.hostIds().contains(instance.hostId()));
            if (instance.state() == InstanceState.STOPPED && stays) {
                throw new DatabaseException(Kind.INVALID_INPUT, "instance " + instance.id()
                        + " is stopped; start it (start-instance) before updating the database");
            }
        }
    }

    public Task delete(String id, boolean force) {
        DatabaseRecord old = store.record(id).orElseThrow(DatabaseException::notFound);
        transition(id, DatabaseState.DELETING, null, force);
        try {
            return runner.start(NewTask.forDatabase(id, ProcessVariables.DELETE), ProcessKeys.DELETE_DATABASE,
                    variables(id, ProcessVariables.DELETE, false, Set.of()));
        } catch (RuntimeException e) {
            store.setState(id, old.state(), old.errorOrNull());
            throw e;
        }
    }

    /** Ids of the databases whose spec uses a host, for remove-host. */
    public List<String> databasesUsingHost(String hostId) {
        List<String> ids = new ArrayList<>();
        for (DatabaseRecord record : store.records()) {
            store.spec(record.id()).filter(s -> s.nodes().stream().anyMatch(n -> n.hostIds().contains(hostId)))
                    .ifPresent(s -> ids.add(record.id()));
        }
        ids.sort(String::compareTo);
        return ids;
    }

    public DatabaseDetails get(String id) {
        DatabaseRecord record = store.record(id).orElseThrow(DatabaseException::notFound);
        return details(withOpenIncident(record, waitingOnIncident()), store.spec(id).orElse(null));
    }

    public List<DatabaseDetails> list() {
        Map<String, HostRecord> hostRecords = hostRecords();
        Map<String, Task> waiting = waitingOnIncident();
        return store.records().stream().sorted((a, b) -> a.id().compareTo(b.id()))
                .map(r -> details(withOpenIncident(r, waiting), null, hostRecords)).toList();
    }

    /** The tasks of databases that wait on an incident, by database id. */
    private Map<String, Task> waitingOnIncident() {
        Map<String, Task> byDatabase = new java.util.HashMap<>();
        tasks.waitingOnIncident().stream().filter(t -> t.getScope() == TaskScope.DATABASE)
                .forEach(t -> byDatabase.putIfAbsent(t.getEntityId(), t));
        return byDatabase;
    }

    /**
     * While an operation waits on an incident the database reads {@code failed} with the incident's
     * message, so clients stop waiting; its stored state stays that of the operation (which still runs
     * and keeps other operations out), and a retry needs no state change.
     */
    private static DatabaseRecord withOpenIncident(DatabaseRecord record, Map<String, Task> waiting) {
        Task task = waiting.get(record.id());
        return task == null || record.state().modifiable() || record.state() == DatabaseState.UNKNOWN ? record
                : new DatabaseRecord(record.id(), record.tenantIdOrNull(), DatabaseState.FAILED, record.createdAt(),
                record.updatedAt(), task.getError());
    }

    public boolean exists(String id) {
        return store.record(id).isPresent();
    }

    // ---- helpers

    DatabaseRecord transition(String id, DatabaseState next, DatabaseSpec spec, boolean force) {
        try {
            return store.transition(id, s -> force || s.modifiable(), next, spec)
                    .orElseThrow(DatabaseException::notFound);
        } catch (StateConflictException e) {
            throw new DatabaseException(e.concurrent() ? Kind.IN_PROGRESS : Kind.NOT_MODIFIABLE, e.getMessage());
        }
    }

    /** Swarm service names ({@code postgres-<db>-<node>-<8 chars>}) may not exceed 63 characters. */
    private static void rejectLongServiceNames(String id, DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            DatabaseNodeSpec node = spec.nodes().get(i);
            String service = io.controlplane.resource.InstanceIds.serviceName(
                    io.controlplane.resource.InstanceIds.instanceId(id, node.name(), "x"));
            if (service.length() > 63) {
                errors.add(FieldError.invalid(io.controlplane.database.spec.FieldPath.of("nodes").index(i).field("name"),
                        "the database id and node name are too long together: the service name " + service
                                .replaceAll("-[^-]+$", "-xxxxxxxx") + " would exceed 63 characters"));
            }
        }
        rejectIfAny(errors);
    }

    private Map<String, Object> variables(String id, String operation, boolean forceUpdate, Set<String> removeHosts) {
        return ProcessVariables.databaseOperation(id, operation, cluster.hostId(), forceUpdate, removeHosts);
    }

    /**
     * Hosts must exist; the Postgres version defaults to the manifest's and every version must be one
     * the manifest offers (pgEdge's PopulateSpecDefaults).
     */
    private DatabaseSpec withDefaults(DatabaseSpec spec) {
        Map<String, String> states = hosts.list().stream()
                .collect(Collectors.toMap(h -> h.record().id(), HostService.HostView::state));
        Set<String> unknown = new TreeSet<>();
        spec.nodes().forEach(n -> n.hostIds().stream().filter(h -> !states.containsKey(h)).forEach(unknown::add));
        if (!unknown.isEmpty()) {
            throw new DatabaseException(Kind.INVALID_INPUT, "got invalid host ids: " + String.join(", ", unknown));
        }
        // steps run on the instances' hosts: an unreachable host would leave the operation waiting
        Set<String> unreachable = new TreeSet<>();
        spec.nodes().forEach(n -> n.hostIds().stream()
                .filter(h -> "unreachable".equals(states.get(h)) && !h.equals(cluster.hostId()))
                .forEach(unreachable::add));
        if (!unreachable.isEmpty()) {
            throw new DatabaseException(Kind.INVALID_INPUT, "hosts are unreachable: " + String.join(", ", unreachable)
                    + " (remove a lost host with DELETE /v1/hosts/{host_id}?force=true)");
        }
        DatabaseSpec defaulted = spec.postgresVersion().isPresent() ? spec
                : spec.withPostgresVersion(manifest.defaultPostgresVersion());
        List<String> problems = new ArrayList<>();
        for (DatabaseNodeSpec node : defaulted.nodes()) {
            String version = defaulted.effectivePostgresVersion(node).orElseThrow();
            boolean explicitImage = node.orchestratorOpts().or(defaulted::orchestratorOpts)
                    .flatMap(o -> o.swarm()).flatMap(s -> s.image()).isPresent();
            if (!explicitImage && manifest.find(version).isEmpty()) {
                problems.add("host " + node.hostIds().get(0) + " does not support version combination: postgres="
                        + version + " (offered: " + String.join(", ", manifest.versions()) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new DatabaseException(Kind.INVALID_INPUT, String.join("\n", new LinkedHashSet<>(problems)));
        }
        return defaulted;
    }

    private static <T> T parsed(ParseResult<T> result) {
        rejectIfAny(result.errors());
        return result.value().orElseThrow(() -> new DatabaseException(Kind.INVALID_INPUT, "the request is invalid"));
    }

    private static void rejectIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new DatabaseException(FieldError.anyNotSupported(errors) ? Kind.OPERATION_NOT_SUPPORTED
                    : Kind.INVALID_INPUT, FieldError.joinMessages(errors));
        }
    }

    DatabaseDetails details(DatabaseRecord record, DatabaseSpec spec) {
        return details(record, spec, hostRecords());
    }

    private Map<String, HostRecord> hostRecords() {
        return hosts.list().stream().collect(Collectors.toMap(h -> h.record().id(), HostService.HostView::record));
    }

    private DatabaseDetails details(DatabaseRecord record, DatabaseSpec spec, Map<String, HostRecord> hostRecords) {
        Map<String, InstanceStatus> statuses = store.statuses(record.id());
        Instant now = Instant.now();
        List<DatabaseDetails.InstanceDetails> instances = store.instances(record.id()).values().stream()
                .sorted((a, b) -> a.id().compareTo(b.id()))
                .map(i -> {
                    InstanceStatus status = statuses.get(i.id());
                    HostRecord host = hostRecords.get(i.hostId());
                    List<String> addresses = host == null ? List.of() : host.clientAddresses();
                    return new DatabaseDetails.InstanceDetails(i, derivedState(i, status, now), status, addresses);
                }).toList();
        return new DatabaseDetails(record, spec, instances);
    }

    /**
     * The database as the API shows it (pgEdge PR #461): an {@code available} database is {@code degraded}
     * while one of its instances is degraded, failed, stopped or unknown, and {@code available} again
     * once they are back. An instance the monitor has not looked at yet (created less than
     * {@link #STALE_STATUS} ago, no status) does not count: it was ready a moment ago.
     */
    static DatabaseState derivedDatabaseState(DatabaseRecord record, List<DatabaseDetails.InstanceDetails> instances,
                                              Instant now) {
        if (record.state() != DatabaseState.AVAILABLE) {
            return record.state();
        }
        for (DatabaseDetails.InstanceDetails i : instances) {
            boolean unseen = i.statusOrNull() == null && !i.record().updatedAt().isBefore(now.minus(STALE_STATUS));
            switch (i.state()) {
                case DEGRADED, FAILED, STOPPED -> {
                    return DatabaseState.DEGRADED;
                }
                case UNKNOWN -> {
                    if (!unseen) {
                        return DatabaseState.DEGRADED;
                    }
                }
                default -> {
                }
            }
        }
        return DatabaseState.AVAILABLE;
    }

    /** Reference §5.6: the stored state unless it is available; then the monitor decides. */
    static InstanceState derivedState(InstanceRecord instance, InstanceStatus status, Instant now) {
        if (instance.state() != InstanceState.AVAILABLE) {
            return instance.state();
        }
        if (status == null || status.updatedAt().isBefore(now.minus(STALE_STATUS))) {
            return InstanceState.UNKNOWN;
        }
        String state = status.patroniState().orElse("");
        return switch (state) {
            case "running", "streaming" -> InstanceState.AVAILABLE;
            case "stopping", "stopped", "starting", "restarting", "initializing new cluster",
                 "running custom bootstrap script", "creating replica" -> InstanceState.MODIFYING;
            case "stop failed", "crashed", "start failed", "restart failed", "initdb failed",
                 "custom bootstrap failed" -> InstanceState.DEGRADED;
            default -> InstanceState.UNKNOWN;
        };
    }
}
