package io.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.common.Identifiers;
import io.controlplane.database.DatabaseDetails;
import io.controlplane.database.DatabaseService;
import io.controlplane.database.HaOperationService;
import io.controlplane.database.InstanceStatus;
import io.controlplane.database.operation.BackupRequests;
import io.controlplane.database.operation.DatabaseDryRun;
import io.controlplane.database.spec.SpecJsonWriter;
import io.controlplane.database.spec.SpecRedactor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Database endpoints (reference §2.2 #12–16); the work itself runs in BPMN processes. */
@RestController
class DatabaseController {

    /** The one value pgEdge defines for {@code ?include=}. */
    static final String AVAILABLE_UPGRADES = "available_upgrades";

    private final DatabaseService databases;
    private final HaOperationService haOperations;
    private final BackupRequests backups;
    private final SpecJsonWriter specWriter = new SpecJsonWriter();
    private final SpecRedactor redactor = new SpecRedactor();

    private final DatabaseDryRun dryRuns;

    DatabaseController(DatabaseService databases, HaOperationService haOperations, BackupRequests backups,
                       DatabaseDryRun dryRuns) {
        this.databases = databases;
        this.haOperations = haOperations;
        this.backups = backups;
        this.dryRuns = dryRuns;
    }

    /** {@code ?dry_run=true}: the plan of the operation; nothing was stored or started. */
    record DryRunJson(boolean dryRun, DatabaseDryRun.Plan plan) {
    }

    record ConnectionInfoJson(List<String> addresses, int port) {
    }

    /**
     * {@code replication_lag_bytes} is ours (pgEdge's block has no lag): a replica's streaming lag behind its
     * node's primary, as Patroni reports it; absent for a primary.
     */
    record PostgresJson(String version, String patroniState, String role, Boolean pendingRestart,
                        Boolean patroniPaused, Long replicationLagBytes) {
    }

    record AvailableUpgradeJson(String postgresVersion, String spockVersion, String image) {
    }

    /**
     * {@code lag_bytes} is ours (pgEdge's subscription has name, provider_node and status only): how many bytes
     * of the provider's WAL this subscription has not confirmed yet, as the provider's primary last reported.
     */
    record SubscriptionJson(String name, String providerNode, String status, Long lagBytes) {
    }

    /** pgEdge's instance {@code spock} block, filled from our replication (pglogical): see docs/api.md. */
    record SpockJson(String readOnly, String version, List<SubscriptionJson> subscriptions) {
    }

    record InstanceJson(String id, String hostId, String nodeName, String createdAt, String updatedAt, String state,
                        String statusUpdatedAt, ConnectionInfoJson connectionInfo, PostgresJson postgres, SpockJson spock,
                        String error) {
    }

    record DatabaseJson(String id, String tenantId, String createdAt, String updatedAt, String state,
                        List<InstanceJson> instances, ObjectNode spec, List<AvailableUpgradeJson> availableUpgrades) {
    }

    record DatabaseListJson(List<DatabaseJson> databases) {
    }

    record StartedJson(TaskView.TaskJson task, DatabaseJson database) {
    }

    record DeleteJson(TaskView.TaskJson task) {
    }

    @GetMapping("/v1/databases")
    @Tag(name = "Database")
    @Operation(operationId = "list-databases", summary = "List databases (summaries, no spec)")
    DatabaseListJson list(@RequestParam(name = "include", required = false) List<String> include) {
        boolean upgrades = includes(include);
        return new DatabaseListJson(databases.list().stream().map(d -> json(d, upgrades)).toList());
    }

    @PostMapping("/v1/databases")
    @Tag(name = "Database")
    @Operation(operationId = "create-database", summary = "Create a database (process create-database); with dry_run=true only its plan")
    Object create(@RequestParam(name = "dry_run", required = false, defaultValue = "false") boolean dryRun,
                  @RequestBody(required = false) JsonNode body) {
        if (dryRun) {
            return new DryRunJson(true, dryRuns.create(body == null ? NullNode.getInstance() : body));
        }
        DatabaseService.Started started = databases.create(body == null ? NullNode.getInstance() : body);
        return new StartedJson(TaskView.of(started.task()), json(started.database()));
    }

    @GetMapping("/v1/databases/{database_id}")
    @Tag(name = "Database")
    @Operation(operationId = "get-database", summary = "Get a database with its spec and instances")
    DatabaseJson get(@PathVariable("database_id") String id,
                     @RequestParam(name = "include", required = false) List<String> include) {
        identifier(id);
        boolean upgrades = includes(include);
        return json(databases.get(id), upgrades);
    }

    @PostMapping("/v1/databases/{database_id}")
    @Tag(name = "Database")
    @Operation(operationId = "update-database", summary = "Update a database (process update-database); with dry_run=true only its plan")
    Object update(@PathVariable("database_id") String id,
                  @RequestParam(name = "force_update", required = false, defaultValue = "false") boolean forceUpdate,
                  @RequestParam(name = "remove_host", required = false) List<String> removeHost,
                  @RequestParam(name = "dry_run", required = false, defaultValue = "false") boolean dryRun,
                  @RequestBody(required = false) JsonNode body) {
        identifier(id);
        List<String> removed = removeHost == null ? List.of() : removeHost;
        removed.forEach(h -> {
            if (!Identifiers.isValid(h)) {
                throw ApiException.invalidInput("remove_host: " + Identifiers.INVALID_MESSAGE);
            }
        });
        if (dryRun) {
            return new DryRunJson(true, dryRuns.update(id, body == null ? NullNode.getInstance() : body, forceUpdate));
        }
        DatabaseService.Started started = databases.update(id, body == null ? NullNode.getInstance() : body,
                forceUpdate, removed);
        return new StartedJson(TaskView.of(started.task()), json(started.database()));
    }

    @DeleteMapping("/v1/databases/{database_id}")
    @Tag(name = "Database")
    @Operation(operationId = "delete-database", summary = "Delete a database (process delete-database)")
    DeleteJson delete(@PathVariable("database_id") String id,
                      @RequestParam(required = false, defaultValue = "false") boolean force) {
        identifier(id);
        return new DeleteJson(TaskView.of(databases.delete(id, force)));
    }

    @PostMapping("/v1/databases/{database_id}/upgrade")
    @Tag(name = "Database")
    @Operation(operationId = "apply-upgrade", summary = "Change the image, replica first, with a switchover per node "
            + "(process upgrade-database)")
    StartedJson upgrade(@PathVariable("database_id") String id, @RequestBody(required = false) JsonNode body) {
        identifier(id);
        DatabaseService.Started started = haOperations.upgrade(id, body == null ? NullNode.getInstance() : body);
        return new StartedJson(TaskView.of(started.task()), json(started.database()));
    }

    private static boolean includes(List<String> include) {
        if (include == null) {
            return false;
        }
        List<String> values = include.stream().flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip)
                .filter(v -> !v.isEmpty()).toList();
        values.stream().filter(v -> !v.equals(AVAILABLE_UPGRADES)).findFirst().ifPresent(v -> {
            throw ApiException.invalidInput("include: unsupported value \"" + v + "\" (supported: "
                    + AVAILABLE_UPGRADES + ")");
        });
        return values.contains(AVAILABLE_UPGRADES);
    }

    // ---- backups and restores (P5)

    record BackupStartedJson(TaskView.TaskJson task) {
    }

    record RestoreStartedJson(TaskView.TaskJson task, List<TaskView.TaskJson> nodeTasks, DatabaseJson database) {
    }

    @PostMapping("/v1/databases/{database_id}/nodes/{node_name}/backups")
    @Tag(name = "Database")
    @Operation(operationId = "backup-database-node", summary = "Back up a node with pgBackRest (process backup-node)")
    BackupStartedJson backup(@PathVariable("database_id") String id, @PathVariable("node_name") String node,
                             @RequestParam(required = false, defaultValue = "false") boolean force,
                             @RequestBody(required = false) JsonNode body) {
        identifier(id);
        return new BackupStartedJson(TaskView.of(backups.backup(id, node, body, force)));
    }

    /** Beyond pgEdge, so not in /v1/openapi.json (which lists pgEdge's operations); see docs/api.md. */
    @GetMapping("/v1/databases/{database_id}/nodes/{node_name}/backups")
    @io.swagger.v3.oas.annotations.Hidden
    JsonNode listBackups(@PathVariable("database_id") String id, @PathVariable("node_name") String node) {
        identifier(id);
        return backups.list(id, node);
    }

    @PostMapping("/v1/databases/{database_id}/restore")
    @Tag(name = "Database")
    @Operation(operationId = "restore-database", summary = "Restore nodes in place from a backup (process restore-database)")
    RestoreStartedJson restore(@PathVariable("database_id") String id,
                               @RequestParam(required = false, defaultValue = "false") boolean force,
                               @RequestBody(required = false) JsonNode body) {
        identifier(id);
        BackupRequests.RestoreStarted started = backups.restore(id, body == null ? NullNode.getInstance() : body, force);
        return new RestoreStartedJson(TaskView.of(started.task()),
                started.nodeTasks().stream().map(TaskView::of).toList(), json(databases.get(id)));
    }

    private DatabaseJson json(DatabaseDetails d) {
        return json(d, false);
    }

    private DatabaseJson json(DatabaseDetails d, boolean withUpgrades) {
        ObjectNode spec = d.spec().map(s -> specWriter.write(redactor.redact(s))).orElse(null);
        List<AvailableUpgradeJson> upgrades = !withUpgrades ? null : haOperations.availableUpgrades(d).stream()
                .map(u -> new AvailableUpgradeJson(u.postgresVersion(), u.spockVersion(), u.image())).toList();
        return new DatabaseJson(d.record().id(), d.record().tenantIdOrNull(), seconds(d.record().createdAt()),
                seconds(d.record().updatedAt()), d.state().wireName(),
                d.instances().stream().map(i -> instance(i, lagBySubscriberOfProvider(d))).toList(), spec, upgrades);
    }

    /** Per provider node: how far each subscriber node is behind, as that node's primary measured it. */
    private static Map<String, Map<String, Long>> lagBySubscriberOfProvider(DatabaseDetails d) {
        Map<String, Map<String, Long>> lag = new HashMap<>();
        for (DatabaseDetails.InstanceDetails i : d.instances()) {
            InstanceStatus s = i.statusOrNull();
            if (s != null && s.spockOrNull() != null && !s.spockOrNull().lagBytes().isEmpty()) {
                lag.put(i.record().nodeName(), s.spockOrNull().lagBytes());
            }
        }
        return lag;
    }

    private static InstanceJson instance(DatabaseDetails.InstanceDetails i, Map<String, Map<String, Long>> lag) {
        var r = i.record();
        ConnectionInfoJson connection = r.port() > 0 ? new ConnectionInfoJson(i.addresses(), r.port()) : null;
        InstanceStatus s = i.statusOrNull();
        PostgresJson postgres = s == null ? null
                : new PostgresJson(s.versionOrNull(), s.patroniStateOrNull(), s.roleOrNull(), s.pendingRestart(),
                        s.patroniPaused(), s.replicationLagBytesOrNull());
        SpockJson spock = s == null || s.spockOrNull() == null ? null : new SpockJson(s.spockOrNull().readOnly(),
                s.spockOrNull().version(), s.spockOrNull().subscriptions().stream()
                .map(sub -> new SubscriptionJson(sub.name(), sub.providerNode(), sub.status(),
                        lag.getOrDefault(sub.providerNode(), Map.of()).get(r.nodeName()))).toList());
        String error = r.errorOrNull() != null ? r.errorOrNull() : s == null ? null : s.errorOrNull();
        return new InstanceJson(r.id(), r.hostId(), r.nodeName(), seconds(r.createdAt()), seconds(r.updatedAt()),
                i.state().wireName(), s == null ? null : seconds(s.updatedAt()), connection, postgres, spock, error);
    }

    private static String seconds(Instant i) {
        return i == null ? null : DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.SECONDS));
    }

    private static void identifier(String id) {
        if (!Identifiers.isValid(id)) {
            throw ApiException.invalidInput("database_id: " + Identifiers.INVALID_MESSAGE);
        }
    }
}
