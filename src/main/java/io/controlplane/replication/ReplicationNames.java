package io.controlplane.replication;

/** Names pgEdge uses for the mesh, so operators find the same objects. */
public final class ReplicationNames {

    /** Replication sets every subscription takes: tables with a key, tables without one, and DDL. */
    public static final String[] REPLICATION_SETS = {"default", "default_insert_only", "ddl_sql"};

    /**
     * Removes every trace of replication from a database (a node restored from another node's backup):
     * the DDL replication triggers of ddl-replication.sql first (they would queue the drop into
     * pglogical's own, dropped, queue), then their schema and pglogical. Each statement is re-runnable.
     */
    public static final java.util.List<String> DROP_REPLICATION_STATE = java.util.List.of(
            "DROP EVENT TRIGGER IF EXISTS ddlrep_capture",
            "DROP EVENT TRIGGER IF EXISTS ddlrep_capture_drop",
            "DROP EVENT TRIGGER IF EXISTS ddlrep_repset",
            "DROP EVENT TRIGGER IF EXISTS ddlrep_drop_table_start",
            "DROP SCHEMA IF EXISTS ddlrep CASCADE",
            "DROP EXTENSION IF EXISTS pglogical CASCADE");

    private ReplicationNames() {
    }

    /** {@code sub_<provider>_<subscriber>}: the subscription on {@code subscriber} to {@code provider}. */
    public static String subscription(String providerNode, String subscriberNode) {
        return "sub_" + providerNode + "_" + subscriberNode;
    }
}
