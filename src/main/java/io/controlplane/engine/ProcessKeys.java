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

    /** Processes that are a task of their own and end it through {@code ${operationListener}}. */
    public static final List<String> OPERATIONS = List.of(CREATE_DATABASE, UPDATE_DATABASE, DELETE_DATABASE,
            REMOVE_HOST, BACKUP_NODE, RESTORE_DATABASE, BACKUP_SCHEDULE);
    /** Processes used only through call activities; a BPMN error in them ends the calling operation. */
    public static final List<String> CALLED = List.of(CONFIGURE_INSTANCE, CREATE_INSTANCE, UPDATE_INSTANCE,
            REMOVE_INSTANCE);

    private ProcessKeys() {
    }
}
