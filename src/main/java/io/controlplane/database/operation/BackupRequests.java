package io.controlplane.database.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.cluster.ClusterService;
import io.controlplane.cluster.HostService;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseException;
import io.controlplane.database.DatabaseException.Kind;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.StateConflictException;
import io.controlplane.database.spec.BackupConfigSpec;
import io.controlplane.database.spec.BackupRepositorySpec;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.ParseResult;
import io.controlplane.database.spec.RestoreConfigSpec;
import io.controlplane.database.spec.RestoreDatabaseRequest;
import io.controlplane.database.spec.validation.SpecValidator;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.pgbackrest.BackupInfo;
import io.controlplane.pgbackrest.BackupOptions;
import io.controlplane.resource.InstanceIds;
import io.controlplane.resource.InstanceSpec;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * The API side of backups (reference §2.3 backup-database-node, restore-database): checks a request
 * synchronously (400 with field paths), starts {@code backup-node} or {@code restore-database}, and lists
 * a node's backup sets with {@code pgbackrest info}, on a host that runs one of the node's instances.
 */
@Service
public class BackupRequests {

    public static final String NODE_BACKUP_TASK = "node_backup";
    public static final String RESTORE_TASK = "restore";
    public static final String NODE_RESTORE_TASK = "node_restore";
    private static final Pattern NODE_NAME = Pattern.compile("^n[0-9]+$");
    private static final Set<String> BACKUP_FIELDS = Set.of("type", "annotations", "backup_options");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatabaseStore store;
    private final ClusterService cluster;
    private final HostService hosts;
    private final OperationRunner runner;
    private final TaskService tasks;
    private final NodeBackups backups;
    private final RestoreRequests restores;
    private final SpecValidator validator = new SpecValidator();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public BackupRequests(DatabaseStore store, ClusterService cluster, HostService hosts, OperationRunner runner,
                          TaskService tasks, NodeBackups backups, RestoreRequests restores) {
        this.store = store;
        this.cluster = cluster;
        this.hosts = hosts;
        this.runner = runner;
        this.tasks = tasks;
        this.backups = backups;
        this.restores = restores;
    }

    /** {@code POST /v1/databases/{id}/nodes/{node}/backups}: starts backup-node; returns its task. */
    public Task backup(String databaseId, String nodeName, JsonNode body, boolean force) {
        DatabaseRecord record = store.record(databaseId).orElseThrow(DatabaseException::notFound);
        DatabaseSpec spec = store.spec(databaseId).orElseThrow(DatabaseException::notFound);
        node(spec, nodeName);
        if (body == null || !body.isObject()) {
            throw invalid("request body: must be a JSON object with type (full, diff or incr)");
        }
        List<String> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!BACKUP_FIELDS.contains(f)) {
                problems.add(f + ": unknown field");
            }
        });
        String type = body.path("type").isTextual() ? body.path("type").asText() : body.has("type") ? "?" : null;
        Map<String, String> annotations = strings(body, "annotations", problems);
        Map<String, String> options = strings(body, "backup_options", problems);
        BackupOptions.problems(type, annotations, options).forEach((path, problem) -> problems.add(path + ": " + problem));
        BackupConfigSpec config = backups.backupConfig(spec, nodeName).orElse(null);
        if (config == null) {
            problems.add("node_name: backups are not configured for this database node");
        } else if (options.containsKey("repo")) {
            repositoryIndex(config, options.get("repo")).ifPresentOrElse(i -> options.put("repo", String.valueOf(i)),
                    () -> problems.add("backup_options.repo: no repository '" + options.get("repo") + "' in the backup"
                            + " config of node " + nodeName + " (give its id or its index from 1)"));
        }
        if (!problems.isEmpty()) {
            throw invalid(String.join("\n", problems));
        }
        if (!force && !record.state().modifiable()) {
            throw new DatabaseException(Kind.NOT_MODIFIABLE, "database is not in a state that allows a backup: "
                    + record.state().wireName());
        }
        return runner.start(NewTask.forDatabase(databaseId, NODE_BACKUP_TASK).withNode(nodeName),
                ProcessKeys.BACKUP_NODE, ProcessVariables.backupNode(databaseId, nodeName, type, json(annotations),
                        json(options), "", cluster.hostId()));
    }

    /** A scheduled backup: the same process, annotated with its schedule. */
    public Task scheduledBackup(String databaseId, String nodeName, String type, String scheduleId, String firedAt) {
        return runner.start(NewTask.forDatabase(databaseId, NODE_BACKUP_TASK).withNode(nodeName),
                ProcessKeys.BACKUP_NODE, ProcessVariables.backupNode(databaseId, nodeName, type,
                        json(Map.of(NodeBackups.SCHEDULED_FOR_ANNOTATION, firedAt)), "{}", scheduleId,
                        cluster.hostId()));
    }

    /** What {@code POST /v1/databases/{id}/restore} started. */
    public record RestoreStarted(Task task, List<Task> nodeTasks) {
    }

    /** {@code POST /v1/databases/{id}/restore}: the targets lose their backup config; restore-database starts. */
    public RestoreStarted restore(String databaseId, JsonNode body, boolean force) {
        DatabaseRecord record = store.record(databaseId).orElseThrow(DatabaseException::notFound);
        DatabaseSpec spec = store.spec(databaseId).orElseThrow(DatabaseException::notFound);
        ParseResult<RestoreDatabaseRequest> parsed = RestoreDatabaseRequest.parse(body);
        reject(parsed.errors());
        RestoreDatabaseRequest request = parsed.value().orElseThrow(() -> invalid("restore_config: is required"));
        RestoreConfigSpec config = request.restoreConfig();
        // the request's config goes through the same rules as a spec's restore_config, with the same paths
        List<FieldError> known = validator.validate(spec);
        reject(validator.validate(spec.withRestoreConfig(config)).stream().filter(e -> !known.contains(e)).toList());
        List<String> problems = new ArrayList<>();
        List<String> targets = request.targetNodes().isEmpty()
                ? spec.nodes().stream().map(DatabaseNodeSpec::name).toList() : request.targetNodes();
        for (int i = 0; i < request.targetNodes().size(); i++) {
            String n = request.targetNodes().get(i);
            if (spec.node(n).isEmpty()) {
                problems.add("target_nodes[" + i + "]: node " + n + " not found");
            }
        }
        unknownRepository(config).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw invalid(String.join("\n", problems));
        }
        DatabaseSpec restored = spec.forInPlaceRestore(targets);
        try {
            store.transition(databaseId, s -> force || s.modifiable(), DatabaseState.RESTORING, restored)
                    .orElseThrow(DatabaseException::notFound);
        } catch (StateConflictException e) {
            throw new DatabaseException(e.concurrent() ? Kind.IN_PROGRESS : Kind.NOT_MODIFIABLE, e.getMessage());
        }
        List<Task> nodeTasks = new ArrayList<>();
        Task task;
        try {
            task = runner.start(NewTask.forDatabase(databaseId, RESTORE_TASK), ProcessKeys.RESTORE_DATABASE, parent -> {
                restores.put(databaseId, parent.getTaskId(), config);
                Map<String, String> byNode = new LinkedHashMap<>();
                for (String node : targets) {
                    Task child = tasks.create(NewTask.forDatabase(databaseId, NODE_RESTORE_TASK)
                            .withParent(parent.getTaskId()).withNode(node));
                    nodeTasks.add(child);
                    byNode.put(node, child.getTaskId());
                }
                return ProcessVariables.restoreDatabase(databaseId, cluster.hostId(), byNode);
            });
        } catch (RuntimeException e) {
            store.restore(record, spec);
            throw e;
        }
        return new RestoreStarted(task, nodeTasks);
    }

    /**
     * {@code GET /v1/databases/{id}/nodes/{node}/backups}: {@code pgbackrest info} inside the node's
     * instance on this host, or, when this host runs none, the same request to a host that does.
     */
    public JsonNode list(String databaseId, String nodeName) {
        store.record(databaseId).orElseThrow(DatabaseException::notFound);
        DatabaseSpec spec = store.spec(databaseId).orElseThrow(DatabaseException::notFound);
        node(spec, nodeName);
        if (backups.backupConfig(spec, nodeName).isEmpty()) {
            throw invalid("node_name: backups are not configured for this database node");
        }
        List<InstanceSpec> instances = store.instanceSpecs(databaseId).values().stream()
                .filter(s -> s.nodeName().equals(nodeName)).toList();
        String here = cluster.hostId();
        if (instances.stream().anyMatch(s -> s.hostId().equals(here)
                && s.instanceId().equals(InstanceIds.instanceId(databaseId, nodeName, here)))) {
            return BackupSetsJson.of(backups.info(databaseId, nodeName, here));
        }
        for (InstanceSpec s : instances) {
            Optional<JsonNode> answer = forward(s.hostId(), "/v1/databases/" + databaseId + "/nodes/" + nodeName
                    + "/backups");
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        throw new TransientException("no host of node " + nodeName + " answered; try again");
    }

    private Optional<JsonNode> forward(String hostId, String path) {
        var host = hosts.find(hostId).map(HostService.HostView::record);
        if (host.isEmpty() || host.get().peerAddresses().isEmpty()) {
            return Optional.empty();
        }
        URI uri = URI.create("http://" + host.get().peerAddresses().get(0) + ":" + host.get().httpPort() + path);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The repository must exist where this cluster knows the source: when the source database is here
     * and its node's backup config names repositories, the restore's repository id must be one of them.
     */
    private Optional<String> unknownRepository(RestoreConfigSpec config) {
        Optional<String> id = config.repository().id();
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<BackupConfigSpec> source = store.spec(config.sourceDatabaseId())
                .flatMap(s -> backups.backupConfig(s, config.sourceNodeName()));
        if (source.isEmpty()) {
            return Optional.empty();
        }
        List<String> ids = source.get().repositories().stream().map(r -> r.id().orElse("")).toList();
        return ids.contains(id.get()) ? Optional.empty()
                : Optional.of("restore_config.repository.id: no repository '" + id.get() + "' in the backup config of "
                + config.sourceDatabaseId() + "/" + config.sourceNodeName() + " (known: " + String.join(", ", ids) + ")");
    }

    /** A repository named by id or by its 1-based index. */
    static Optional<Integer> repositoryIndex(BackupConfigSpec config, String repo) {
        List<BackupRepositorySpec> repos = config.repositories();
        for (int i = 0; i < repos.size(); i++) {
            if (repos.get(i).id().filter(repo::equals).isPresent()) {
                return Optional.of(i + 1);
            }
        }
        if (repo.matches("[1-9][0-9]?") && Integer.parseInt(repo) <= repos.size()) {
            return Optional.of(Integer.parseInt(repo));
        }
        return Optional.empty();
    }

    private static DatabaseNodeSpec node(DatabaseSpec spec, String nodeName) {
        if (!NODE_NAME.matcher(nodeName).matches()) {
            throw invalid("node_name: must match n[0-9]+");
        }
        return spec.node(nodeName).orElseThrow(() -> invalid("node_name: node " + nodeName + " not found"));
    }

    private static Map<String, String> strings(JsonNode body, String field, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            problems.add(field + ": must be an object of strings");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                problems.add(field + "." + e.getKey() + ": must be a string");
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private static String json(Map<String, String> map) {
        ObjectNode o = JSON.createObjectNode();
        map.forEach(o::put);
        return o.toString();
    }

    private static void reject(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new DatabaseException(FieldError.anyNotSupported(errors) ? Kind.OPERATION_NOT_SUPPORTED
                    : Kind.INVALID_INPUT, FieldError.joinMessages(errors));
        }
    }

    private static DatabaseException invalid(String message) {
        return new DatabaseException(Kind.INVALID_INPUT, message);
    }
}
