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

    // ---- remove-host
    /** The host being removed. */
    public static final String HOST_ID = "hostId";
    public static final String FORCE = "force";
    /** The databases that used the host; one update-database is called for each. */
    public static final String DATABASE_IDS = "databaseIds";
    /** {@code database=task id,...}: the update task (business key) of each database's update. */
    public static final String DATABASE_UPDATE_TASKS = "databaseUpdateTasks";

    private ProcessVariables() {
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
        java.util.Set<String> vars = new java.util.TreeSet<>();
        if (processKey.equals(ProcessKeys.REMOVE_HOST)) {
            vars.addAll(removeHost("h", false, "r", Map.of()).keySet());
        } else if (ProcessKeys.OPERATIONS.contains(processKey)) {
            vars.addAll(databaseOperation("d", "o", "r", false, List.of()).keySet());
        } else {
            return java.util.Optional.empty();
        }
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
