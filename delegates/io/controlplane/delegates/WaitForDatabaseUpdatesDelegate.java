package io.controlplane.delegates;

import io.controlplane.database.operation.HostRemovalUpdates;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Wait for database updates": remove-host goes on once the databases that used the host are updated. */
@Component
class WaitForDatabaseUpdatesDelegate implements StepHandler {

    private final HostRemovalUpdates updates;

    WaitForDatabaseUpdatesDelegate(HostRemovalUpdates updates) {
        this.updates = updates;
    }

    @Override
    public String name() {
        return "waitForDatabaseUpdates";
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        context.log(updates.await(context.taskId(), context.stringList("databaseIds")));
        return Map.of();
    }
}
