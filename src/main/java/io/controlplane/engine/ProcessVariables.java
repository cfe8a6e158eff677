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
    public static final List<String> PLAN = List.of(CREATE_PRIMARIES, CREATE_REPLICAS, UPDATE_INSTANCES,
            REMOVE_INSTANCES, NODES, REMOVED_NODES, INSTANCE_HOSTS, NODE_HOSTS);

    // ---- multi-instance element variables and the instance processes' inputs
    public static final String INSTANCE_ID = "instanceId";
    public static final String NODE_NAME = "nodeName";
    /** The host of the instance a called instance process works on (mapped in by the call activity). */
    public static final String INSTANCE_HOST = "instanceHost";

    // ---- remove-host
    /** The host being removed. */
    public static final String HOST_ID = "hostId";
    public static final String FORCE = "force";
    /** The databases that used the host; one update-database is called for each. */
    public static final String DATABASE_IDS = "databaseIds";
    /** {@code database=task id,...}: the update task (business key) of each database's update. */
    public static final String DATABASE_UPDATE_TASKS = "databaseUpdateTasks";

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
            NODES, INSTANCE_HOSTS, NODE_HOSTS);

    private ProcessVariables() {
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
