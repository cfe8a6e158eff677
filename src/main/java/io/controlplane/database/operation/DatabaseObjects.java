package io.controlplane.database.operation;

import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.spec.DatabaseScripts;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.DatabaseUserSpec;
import io.controlplane.postgres.PostgresAdmin;
import io.controlplane.resource.InstanceSpec;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * "Create users, database and run scripts" on a node's primary, in pgEdge's order: {@code post_init}
 * once (so it can create roles that users are granted), the users, the application database owned by
 * the {@code db_owner} user, then {@code post_database_create} once. Scripts are marked done in etcd
 * and never run again, even when the spec's scripts change later.
 */
@Service
public class DatabaseObjects {

    static final String POST_INIT = "post_init";
    static final String POST_DATABASE_CREATE = "post_database_create";

    private final DatabaseStore store;
    private final InstanceConfigs configs;

    public DatabaseObjects(DatabaseStore store, InstanceConfigs configs) {
        this.store = store;
        this.configs = configs;
    }

    public List<String> apply(String databaseId, String nodeName) {
        DatabaseSpec spec = store.spec(databaseId)
                .orElseThrow(() -> new PermanentException("database " + databaseId + " has no stored spec"));
        InstanceSpec primary = primary(databaseId, nodeName);
        PostgresAdmin postgres = configs.postgres(primary);
        List<String> done = new ArrayList<>();
        DatabaseScripts scripts = spec.scripts().orElse(new DatabaseScripts(List.of(), List.of()));
        if (!scripts.postInit().isEmpty() && !store.scriptDone(databaseId, POST_INIT, nodeName)) {
            postgres.runScript("postgres", scripts.postInit());
            store.markScriptDone(databaseId, POST_INIT, nodeName);
            done.add("ran post_init (" + scripts.postInit().size() + " statements)");
        }
        for (DatabaseUserSpec user : spec.databaseUsers()) {
            postgres.ensureRole(user);
            done.add("user " + user.username());
        }
        String owner = spec.databaseUsers().stream().filter(DatabaseUserSpec::dbOwner).map(DatabaseUserSpec::username)
                .findFirst().orElse(null);
        postgres.ensureDatabase(spec.databaseName(), owner);
        done.add("database " + spec.databaseName() + (owner == null ? "" : " owned by " + owner));
        if (!scripts.postDatabaseCreate().isEmpty() && !store.scriptDone(databaseId, POST_DATABASE_CREATE, nodeName)) {
            postgres.runScript(spec.databaseName(), scripts.postDatabaseCreate());
            store.markScriptDone(databaseId, POST_DATABASE_CREATE, nodeName);
            done.add("ran post_database_create (" + scripts.postDatabaseCreate().size() + " statements)");
        }
        return done;
    }

    /** The node's primary as Patroni sees it right now. */
    private InstanceSpec primary(String databaseId, String nodeName) {
        return configs.nodePrimary(databaseId, nodeName)
                .orElseThrow(() -> new TransientException("node " + nodeName + " has no primary right now"));
    }
}
