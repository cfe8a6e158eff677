package io.controlplane.replication;

/** Names pgEdge uses for the mesh, so operators find the same objects. */
public final class ReplicationNames {

    /** Replication sets every subscription takes: tables with a key, tables without one, and DDL. */
    public static final String[] REPLICATION_SETS = {"default", "default_insert_only", "ddl_sql"};

    private ReplicationNames() {
    }

    /** {@code sub_<provider>_<subscriber>}: the subscription on {@code subscriber} to {@code provider}. */
    public static String subscription(String providerNode, String subscriberNode) {
        return "sub_" + providerNode + "_" + subscriberNode;
    }
}
