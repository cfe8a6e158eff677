package io.controlplane.database.spec;

import java.util.List;

/**
 * SQL run once per node primary when the database is first created: {@code post_init} in the
 * {@code postgres} database before users exist, {@code post_database_create} in the application
 * database before replication starts. Later changes have no effect.
 */
public record DatabaseScripts(List<String> postInit, List<String> postDatabaseCreate) {

    public DatabaseScripts {
        postInit = Collections2.list(postInit);
        postDatabaseCreate = Collections2.list(postDatabaseCreate);
    }
}
