package io.controlplane.database.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.database.DatabaseService;
import io.controlplane.resource.InstanceChange;
import io.controlplane.resource.InstanceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * {@code ?dry_run=true} of a create or update: the request is checked exactly as the operation would
 * check it, then planned from what is stored now ({@link DatabasePlanner#preview}); nothing is stored,
 * no task and no process start, no port is allocated.
 */
@Service
public class DatabaseDryRun {

    private final DatabaseService databases;
    private final DatabasePlanner planner;

    public DatabaseDryRun(DatabaseService databases, DatabasePlanner planner) {
        this.databases = databases;
        this.planner = planner;
    }

    /** One instance of the plan; {@code restartReasons} empty unless an update restarts Postgres. */
    public record PlannedInstance(String instanceId, String nodeName, String hostId, String role,
                                  List<String> changes, boolean restart, List<String> restartReasons) {
    }

    /** A node created with its data copied from an existing one ({@code source_node}). */
    public record NodeSync(String nodeName, String sourceNode) {
    }

    /** What the operation would do, in the order it would do it. */
    public record Plan(String databaseId, String operation, List<PlannedInstance> create,
                       List<PlannedInstance> update, List<PlannedInstance> remove, List<String> unchanged,
                       List<NodeSync> nodesToSync, List<String> removedNodes) {
    }

    public Plan create(JsonNode body) {
        DatabaseService.CheckedRequest checked = databases.checkCreate(body);
        return plan("create", checked, false);
    }

    public Plan update(String databaseId, JsonNode body, boolean forceUpdate) {
        DatabaseService.CheckedRequest checked = databases.checkUpdate(databaseId, body);
        return plan("update", checked, forceUpdate);
    }

    private Plan plan(String operation, DatabaseService.CheckedRequest checked, boolean forceUpdate) {
        DatabasePlanner.Decision decision = planner.preview(checked.databaseId(), checked.tenantIdOrNull(),
                checked.spec(), forceUpdate, "");
        List<PlannedInstance> create = new ArrayList<>();
        decision.plan().createPrimaries().forEach(s -> create.add(plain(s, "primary")));
        decision.plan().createReplicas().forEach(s -> create.add(plain(s, "replica")));
        List<PlannedInstance> update = decision.plan().update().stream().map(s -> {
            InstanceChange change = decision.changes().get(s.instanceId());
            return change == null ? plain(s, null)
                    : new PlannedInstance(s.instanceId(), s.nodeName(), s.hostId(), null, change.changes(),
                    change.restart(), change.restartReasons());
        }).toList();
        List<PlannedInstance> remove = decision.removed().values().stream().map(s -> plain(s, null)).toList();
        List<String> unchanged = decision.plan().unchanged().stream().map(InstanceSpec::instanceId).toList();
        List<NodeSync> sync = new ArrayList<>();
        // read-only: the copies an earlier update left unfinished are part of the plan too
        for (Map.Entry<String, String> e : DatabasePlanner.copies(checked.spec(), decision,
                planner.unfinishedCopies(checked.databaseId()), false).copies().entrySet()) {
            sync.add(new NodeSync(e.getKey(), e.getValue()));
        }
        return new Plan(checked.databaseId(), operation, create, update, remove, unchanged, sync,
                decision.removedNodes());
    }

    private static PlannedInstance plain(InstanceSpec s, String role) {
        return new PlannedInstance(s.instanceId(), s.nodeName(), s.hostId(), role, List.of(), false, List.of());
    }
}
