package io.controlplane.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The process variables the BPMN and the Java code share, and how the values that start an operation
 * are built. Values are plain strings, numbers and booleans an ops engineer can read (and fix) in
 * Cockpit: lists are comma-separated ids, maps are {@code key=value} pairs; the BPMN reads them
 * through the {@code operationPlan} expression bean ({@link OperationPlanExpressions}).
 */
public final class ProcessVariables {

    // ---- every operation
    /** The task id; also the business key of the operation and of every process it calls. */
    public static final String TASK_ID = "taskId";
    /** The host that took the API request; steps that are not bound to a host run there. */
    public static final String REQUEST_HOST = "requestHost";
    /** The error of a failed operation, set by the failure path; the end listeners read it. */
    public static final String OPERATION_ERROR = "operationError";
    /**
     * Set (true) by the "Operation canceled" event sub-process when it starts: the operation ends
     * canceled once its cleanup has run, and the end listeners read it.
     */
    public static final String OPERATION_CANCELED = "operationCanceled";

    // ---- database operations
    public static final String DATABASE_ID = "databaseId";
    /** {@link #CREATE}, {@link #UPDATE} or {@link #DELETE}. */
    public static final String OPERATION = "operation";
    public static final String FORCE_UPDATE = "forceUpdate";
    /** Hosts that are gone (remove-host): steps of their instances run on the request host. */
    public static final String REMOVE_HOSTS = "removeHosts";
    public static final String CREATE = "create";
    public static final String UPDATE = "update";
    public static final String DELETE = "delete";
    /** A rolling image change (task type {@code upgrade}); runs upgrade-database. */
    public static final String UPGRADE = "upgrade";

    // ---- the plan, set by "Plan instances"
    public static final String CREATE_PRIMARIES = "createPrimaries";
    public static final String CREATE_REPLICAS = "createReplicas";
    public static final String UPDATE_INSTANCES = "updateInstances";
    public static final String REMOVE_INSTANCES = "removeInstances";
    public static final String NODES = "nodes";
    public static final String REMOVED_NODES = "removedNodes";
    /** {@code instance=host,...}: where each instance's steps run. */
    public static final String INSTANCE_HOSTS = "instanceHosts";
    /** {@code node=host,...}: where each node's SQL runs (its primary's host). */
    public static final String NODE_HOSTS = "nodeHosts";
    /** Nodes that start as a copy of another node (add-replication-node, one at a time, in this order). */
    public static final String SYNC_NODES = "syncNodes";
    /** {@code node=source,...}: the node each of {@link #SYNC_NODES} copies. */
    public static final String NODE_SOURCES = "nodeSources";
    /** Nodes that hold their data before the copies: the mesh configure-replication builds. */
    public static final String REPLICATED_NODES = "replicatedNodes";
    public static final List<String> PLAN = List.of(CREATE_PRIMARIES, CREATE_REPLICAS, UPDATE_INSTANCES,
            REMOVE_INSTANCES, NODES, REMOVED_NODES, INSTANCE_HOSTS, NODE_HOSTS, SYNC_NODES, NODE_SOURCES,
            REPLICATED_NODES);

    // ---- "Read database topology" (operations of ops engineers), with NODES, NODE_HOSTS and INSTANCE_HOSTS
    /** Every instance of the database, node by node, each node's replicas before its primary (a rolling order). */
    public static final String INSTANCE_IDS = "instanceIds";
    public static final List<String> TOPOLOGY = List.of(NODES, NODE_HOSTS, INSTANCE_IDS, INSTANCE_HOSTS);

    // ---- "Run SQL on node" (operations of ops engineers): the statement, an input parameter of the step
    public static final String SQL = "sql";

    // ---- multi-instance element variables and the instance processes' inputs
    public static final String INSTANCE_ID = "instanceId";
    public static final String NODE_NAME = "nodeName";
    /** The host of the instance a called instance process works on (mapped in by the call activity). */
    public static final String INSTANCE_HOST = "instanceHost";
    /** The node remove-replication-node takes out of the mesh (its steps run on the other nodes). */
    public static final String REMOVED_NODE = "removedNode";

    // ---- remove-host
    /** The host being removed. */
    public static final String HOST_ID = "hostId";
    public static final String FORCE = "force";
    /** The databases that used the host; one update-database is called for each. */
    public static final String DATABASE_IDS = "databaseIds";
    /** {@code database=task id,...}: the update task (business key) of each database's update. */
    public static final String DATABASE_UPDATE_TASKS = "databaseUpdateTasks";

    // ---- HA operations (task types as pgEdge names them)
    public static final String SWITCHOVER = "switchover";
    public static final String FAILOVER = "failover";
    public static final String RESTART_INSTANCE = "restart_instance";
    public static final String STOP_INSTANCE = "stop_instance";
    public static final String START_INSTANCE = "start_instance";
    /** The instance that becomes the node's primary; empty until "Choose new primary" picks one. */
    public static final String CANDIDATE_INSTANCE_ID = "candidateInstanceId";
    /** The host of the candidate, set by "Choose new primary": the Patroni calls go from there. */
    public static final String CANDIDATE_HOST = "candidateHost";
    /** When a scheduled switchover or restart runs (ISO 8601, UTC); empty: at once. The BPMN timer reads it. */
    public static final String SCHEDULED_AT = "scheduledAt";
    /** When the operation was asked for (ISO 8601): a restart since then is the restart asked for. */
    public static final String REQUESTED_AT = "requestedAt";
    /** Failover: go ahead even though the node is healthy. */
    public static final String SKIP_VALIDATION = "skipValidation";

    // ---- the order of a rolling update, set by "Order the rolling update"
    public static final String UPGRADE_REPLICAS = "upgradeReplicas";
    public static final String UPGRADE_PRIMARIES = "upgradePrimaries";
    /** Nodes whose primary is switched over to an updated replica before the old primary is updated. */
    public static final String SWITCHOVER_NODES = "switchoverNodes";
    public static final List<String> ROLLING_ORDER = List.of(UPGRADE_REPLICAS, UPGRADE_PRIMARIES, SWITCHOVER_NODES);

    // ---- backups (P5): backup-node and restore-database
    /** {@code full}, {@code diff} or {@code incr}. */
    public static final String BACKUP_TYPE = "backupType";
    /** The request's annotations as a JSON object (no secrets: pgBackRest shows them in info). */
    public static final String BACKUP_ANNOTATIONS = "backupAnnotations";
    /** The request's extra pgBackRest options as a JSON object (repository options are refused). */
    public static final String BACKUP_OPTIONS = "backupOptions";
    /** The schedule that started a backup, empty for an API request. */
    public static final String BACKUP_SCHEDULE = "backupSchedule";
    /** Set by "Find node primary": the instance that is primary and its host. */
    public static final String PRIMARY_INSTANCE = "primaryInstance";
    public static final String PRIMARY_HOST = "primaryHost";
    /** Set by "Run pgBackRest backup" when the primary moved before the backup started. */
    public static final String PRIMARY_MOVED = "primaryMoved";
    /** {@code node=task id,...}: the node_restore task of each restored node. */
    public static final String NODE_TASKS = "nodeTasks";
    /** Set by "Plan restore": the instances that bootstrap from the backup, the replicas rebuilt after. */
    public static final String RESTORE_PRIMARIES = "restorePrimaries";
    public static final String RESTORE_REPLICAS = "restoreReplicas";
    public static final String RESTORE_INSTANCES = "restoreInstances";
    /**
     * Set by "Plan restore": the nodes of the mesh that are not restored. Before the restore each of them
     * drops its subscription to and its slot for each restored node (remove-replication-node); after it,
     * configure-replication over {@link #REPLICATED_NODES} recreates them, starting at the current LSN.
     */
    public static final String PEER_NODES = "peerNodes";
    /**
     * Set by "Plan cleanup of canceled operation" for a canceled restore: the instances it was restoring,
     * stopped so that none keeps running half-restored.
     */
    public static final String STOP_INSTANCES = "stopInstances";
    /** backup-schedule: which schedule of the node's backup config, its cron expression, when it fires next. */
    public static final String SCHEDULE_ID = "scheduleId";
    /** Which schedule an instance runs, as the reconciler finds it: database, node, id and a hash of type and cron. */
    public static final String SCHEDULE_KEY = "scheduleKey";
    public static final String CRON_EXPRESSION = "cronExpression";
    /** An ISO-8601 UTC time; the timer waits for it. */
    public static final String NEXT_FIRE = "nextFire";
    /** Set by "Start scheduled backup" when the schedule is no longer in the spec (or changed). */
    public static final String SCHEDULE_REMOVED = "scheduleRemoved";
    public static final List<String> RESTORE_PLAN = List.of(RESTORE_PRIMARIES, RESTORE_REPLICAS, RESTORE_INSTANCES,
            NODES, INSTANCE_HOSTS, NODE_HOSTS, REPLICATED_NODES, PEER_NODES);

    private ProcessVariables() {
    }

    /** The variables a step sets for the steps after it, by handler name: what the BPMN may read after it. */
    public static List<String> setBy(String handler) {
        return switch (handler) {
            case HandlerNames.PLAN_DATABASE -> PLAN;
            case HandlerNames.CHOOSE_CANDIDATE -> List.of(CANDIDATE_INSTANCE_ID, CANDIDATE_HOST);
            case HandlerNames.ORDER_ROLLING_UPDATE -> ROLLING_ORDER;
            case HandlerNames.FIND_NODE_PRIMARY -> List.of(PRIMARY_INSTANCE, PRIMARY_HOST);
            case HandlerNames.RUN_PGBACKREST_BACKUP -> List.of(PRIMARY_MOVED);
            case HandlerNames.PLAN_RESTORE -> RESTORE_PLAN;
            case HandlerNames.START_SCHEDULED_BACKUP -> List.of(SCHEDULE_REMOVED);
            default -> List.of();
        };
    }

    /** What switchover-node starts with; {@code candidate} and {@code scheduledAt} may be empty. */
    public static Map<String, Object> switchover(String databaseId, String requestHost, String nodeName,
                                                 String candidate, String scheduledAt) {
        Map<String, Object> vars = nodeOperation(databaseId, SWITCHOVER, requestHost, nodeName, candidate);
        vars.put(SCHEDULED_AT, scheduledAt);
        return vars;
    }

    /** What failover-node starts with; {@code candidate} may be empty. */
    public static Map<String, Object> failover(String databaseId, String requestHost, String nodeName,
                                               String candidate, boolean skipValidation) {
        Map<String, Object> vars = nodeOperation(databaseId, FAILOVER, requestHost, nodeName, candidate);
        vars.put(SKIP_VALIDATION, skipValidation);
        return vars;
    }

    /**
     * What restart-, stop- and start-instance start with: the instance, its node and host (its steps
     * run there); {@code scheduledAt} may be empty.
     */
    public static Map<String, Object> instanceOperation(String databaseId, String operation, String requestHost,
                                                        String nodeName, String instanceId, String instanceHost,
                                                        String scheduledAt, String requestedAt) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(DATABASE_ID, databaseId);
        vars.put(OPERATION, operation);
        vars.put(REQUEST_HOST, requestHost);
        vars.put(NODE_NAME, nodeName);
        vars.put(INSTANCE_ID, instanceId);
        vars.put(INSTANCE_HOST, instanceHost);
        vars.put(SCHEDULED_AT, scheduledAt);
        vars.put(REQUESTED_AT, requestedAt);
        return vars;
    }

    private static Map<String, Object> nodeOperation(String databaseId, String operation, String requestHost,
                                                     String nodeName, String candidate) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(DATABASE_ID, databaseId);
        vars.put(OPERATION, operation);
        vars.put(REQUEST_HOST, requestHost);
        vars.put(NODE_NAME, nodeName);
        vars.put(CANDIDATE_INSTANCE_ID, candidate);
        return vars;
    }

    /** What backup-node starts with; annotations and options are JSON objects. */
    public static Map<String, Object> backupNode(String databaseId, String nodeName, String type, String annotationsJson,
                                                 String optionsJson, String schedule, String requestHost) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(DATABASE_ID, databaseId);
        vars.put(NODE_NAME, nodeName);
        vars.put(BACKUP_TYPE, type);
        vars.put(BACKUP_ANNOTATIONS, annotationsJson);
        vars.put(BACKUP_OPTIONS, optionsJson);
        vars.put(BACKUP_SCHEDULE, schedule);
        vars.put(REQUEST_HOST, requestHost);
        return vars;
    }

    /** What a backup-schedule instance starts with. */
    public static Map<String, Object> backupSchedule(String scheduleKey, String databaseId, String nodeName,
                                                     String scheduleId, String type, String cronExpression,
                                                     String nextFire) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(SCHEDULE_KEY, scheduleKey);
        vars.put(DATABASE_ID, databaseId);
        vars.put(NODE_NAME, nodeName);
        vars.put(SCHEDULE_ID, scheduleId);
        vars.put(BACKUP_TYPE, type);
        vars.put(CRON_EXPRESSION, cronExpression);
        vars.put(NEXT_FIRE, nextFire);
        return vars;
    }

    /** What restore-database starts with; the restore config (with keys) stays in etcd. */
    public static Map<String, Object> restoreDatabase(String databaseId, String requestHost, Map<String, String> nodeTasks) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(DATABASE_ID, databaseId);
        vars.put(REQUEST_HOST, requestHost);
        vars.put(NODE_TASKS, pairs(nodeTasks));
        return vars;
    }

    /** What create-, update- and delete-database start with. */
    public static Map<String, Object> databaseOperation(String databaseId, String operation, String requestHost,
                                                        boolean forceUpdate, Collection<String> removeHosts) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(DATABASE_ID, databaseId);
        vars.put(OPERATION, operation);
        vars.put(REQUEST_HOST, requestHost);
        vars.put(FORCE_UPDATE, forceUpdate);
        vars.put(REMOVE_HOSTS, list(removeHosts));
        return vars;
    }

    /** What remove-host starts with; {@code updateTasks} maps each database that used the host to its update task. */
    public static Map<String, Object> removeHost(String hostId, boolean force, String requestHost,
                                                 Map<String, String> updateTasks) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(HOST_ID, hostId);
        vars.put(FORCE, force);
        vars.put(REQUEST_HOST, requestHost);
        vars.put(DATABASE_IDS, list(updateTasks.keySet()));
        vars.put(DATABASE_UPDATE_TASKS, pairs(updateTasks));
        return vars;
    }

    /**
     * The variables a shipped operation starts with (what its starter builds here, plus the task id the
     * runner adds); empty for other processes.
     */
    public static java.util.Optional<java.util.Set<String>> startVariablesOf(String processKey) {
        // the values the starters build, through the same factories
        Map<String, Object> sample = switch (processKey) {
            case ProcessKeys.REMOVE_HOST -> removeHost("h", false, "r", Map.of());
            case ProcessKeys.SWITCHOVER_NODE -> switchover("d", "r", "n1", "", "");
            case ProcessKeys.FAILOVER_NODE -> failover("d", "r", "n1", "", false);
            case ProcessKeys.RESTART_INSTANCE, ProcessKeys.STOP_INSTANCE, ProcessKeys.START_INSTANCE ->
                    instanceOperation("d", "o", "r", "n1", "i", "h", "", "");
            case ProcessKeys.BACKUP_NODE -> backupNode("d", "n1", "full", "{}", "{}", "", "r");
            case ProcessKeys.BACKUP_SCHEDULE -> backupSchedule("k", "d", "n1", "s", "full", "* * * * *",
                    "2026-01-01T00:00:00Z");
            case ProcessKeys.RESTORE_DATABASE -> restoreDatabase("d", "r", Map.of());
            default -> ProcessKeys.OPERATIONS.contains(processKey)
                    ? databaseOperation("d", "o", "r", false, List.of()) : null;
        };
        if (sample == null) {
            return java.util.Optional.empty();
        }
        java.util.Set<String> vars = new java.util.TreeSet<>(sample.keySet());
        vars.add(TASK_ID);
        return java.util.Optional.of(vars);
    }

    /** A list as a variable value: {@code a,b}. */
    public static String list(Collection<String> ids) {
        return String.join(",", ids);
    }

    /** A map as a variable value: {@code k1=v1,k2=v2}. */
    public static String pairs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** The inverse of {@link #list}: missing or blank is empty. */
    public static List<String> parseList(String value) {
        return OperationPlanExpressions.split(value);
    }

    /** The inverse of {@link #pairs}. */
    public static Map<String, String> parsePairs(String value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : parseList(value)) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return map;
    }
}
