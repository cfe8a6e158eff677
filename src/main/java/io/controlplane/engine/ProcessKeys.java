package io.controlplane.engine;

import java.util.List;

/**
 * The BPMN process ids in {@code processes/}. Operations are started by the API (one task each);
 * instance processes are only called from other processes through call activities and share the
 * caller's task (their business key is the caller's task id).
 */
public final class ProcessKeys {

    public static final String CREATE_DATABASE = "create-database";
    public static final String UPDATE_DATABASE = "update-database";
    public static final String DELETE_DATABASE = "delete-database";
    public static final String REMOVE_HOST = "remove-host";
    /** Rolling image change: replicas, then a switchover per node, then the old primaries. */
    public static final String UPGRADE_DATABASE = "upgrade-database";
    public static final String SWITCHOVER_NODE = "switchover-node";
    public static final String FAILOVER_NODE = "failover-node";
    public static final String RESTART_INSTANCE = "restart-instance";
    public static final String STOP_INSTANCE = "stop-instance";
    public static final String START_INSTANCE = "start-instance";

    // ---- backups (P5)
    /** A pgBackRest backup of one node, on its primary's host (API and schedules). */
    public static final String BACKUP_NODE = "backup-node";
    /** An in-place restore of nodes from a pgBackRest backup; their replicas are rebuilt. */
    public static final String RESTORE_DATABASE = "restore-database";
    /**
     * One waiting instance per backup schedule of a node (a long-running task of type backup_schedule):
     * a timer, then a backup-node operation, again.
     */
    public static final String BACKUP_SCHEDULE = "backup-schedule";

    /** Ports, etcd user, Patroni config and certificates of one instance: what its container needs. */
    public static final String CONFIGURE_INSTANCE = "configure-instance";
    public static final String CREATE_INSTANCE = "create-instance";
    public static final String UPDATE_INSTANCE = "update-instance";
    public static final String REMOVE_INSTANCE = "remove-instance";
    /** Makes another instance of a node its primary with a Patroni switchover and waits until it takes writes. */
    public static final String SWITCH_NODE_PRIMARY = "switch-node-primary";

    /** The replication mesh between the nodes that hold their data: replication nodes, slots, subscriptions. */
    public static final String CONFIGURE_REPLICATION = "configure-replication";
    /** A node that starts as a copy of its source node and joins the mesh while every node takes writes. */
    public static final String ADD_REPLICATION_NODE = "add-replication-node";
    /** A node that leaves the mesh: the others drop its subscriptions and slots. */
    public static final String REMOVE_REPLICATION_NODE = "remove-replication-node";

    /** What a canceled create or update had started, removed: called by its "Operation canceled" path. */
    public static final String CLEAN_UP_CANCELED_OPERATION = "clean-up-canceled-operation";

    /** Processes that are a task of their own and end it through {@code ${operationListener}}. */
    public static final List<String> OPERATIONS = List.of(CREATE_DATABASE, UPDATE_DATABASE, DELETE_DATABASE,
            REMOVE_HOST, UPGRADE_DATABASE, SWITCHOVER_NODE, FAILOVER_NODE, RESTART_INSTANCE, STOP_INSTANCE,
            START_INSTANCE, BACKUP_NODE, RESTORE_DATABASE, BACKUP_SCHEDULE);
    /** Processes used only through call activities; a BPMN error in them ends the calling operation. */
    public static final List<String> CALLED = List.of(CONFIGURE_INSTANCE, CREATE_INSTANCE, UPDATE_INSTANCE,
            REMOVE_INSTANCE, CONFIGURE_REPLICATION, ADD_REPLICATION_NODE, REMOVE_REPLICATION_NODE, SWITCH_NODE_PRIMARY,
            CLEAN_UP_CANCELED_OPERATION);

    private ProcessKeys() {
    }

    /**
     * Why an operation of ours cannot start from Cockpit, Tasklist or {@code /engine-rest}, naming the
     * {@code /v1} call that starts it: that call validates the request, records it and gates it.
     */
    public static String refusalOfEngineStart(String processKey) {
        String endpoint = switch (processKey) {
            case CREATE_DATABASE -> "POST /v1/databases";
            case UPDATE_DATABASE -> "POST /v1/databases/{database_id}";
            case DELETE_DATABASE -> "DELETE /v1/databases/{database_id}";
            case REMOVE_HOST -> "DELETE /v1/hosts/{host_id}";
            default -> null;
        };
        String start = endpoint == null ? processKey + " is an operation of the control plane; start it through the"
                + " /v1 API (docs/api.md)" : processKey + " is started with " + endpoint;
        return start + ", which validates the request, records it and creates the task; a start from Cockpit,"
                + " Tasklist or /engine-rest would skip that, so it is refused";
    }
}
