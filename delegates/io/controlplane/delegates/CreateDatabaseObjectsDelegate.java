package io.controlplane.delegates;

import io.controlplane.database.operation.DatabaseObjects;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Create users, database and run scripts" on the primary of the node in {@code nodeName}. */
@Component
class CreateDatabaseObjectsDelegate implements StepHandler {

    private final DatabaseObjects objects;

    CreateDatabaseObjectsDelegate(DatabaseObjects objects) {
        this.objects = objects;
    }

    @Override
    public String name() {
        return HandlerNames.CREATE_DATABASE_OBJECTS;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String node = context.nodeName();
        context.log("node " + node + ": " + String.join(", ", objects.apply(context.databaseId(), node)),
                Map.of("node_name", node));
        return Map.of();
    }
}
