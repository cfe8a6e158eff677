package io.controlplane.replication;

import io.controlplane.postgres.PostgresAdmin;
import java.util.Objects;

/**
 * One node of the mesh as the replication SQL sees it: its current primary (a superuser connection)
 * and the replicated database.
 *
 * @param name the node name ({@code n1}); it is also the replication node's name
 */
public record ReplicationNode(String name, PostgresAdmin primary, String database) {

    public ReplicationNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(database, "database");
    }

    @Override
    public String toString() {
        return "node " + name;
    }
}
