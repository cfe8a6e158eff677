package io.controlplane.delegates;

import io.controlplane.database.operation.HostRemovalUpdates;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Check that every database update completed": remove-host goes on only when none failed. */
@Component
class CheckDatabaseUpdatesDelegate implements StepHandler {

    private final HostRemovalUpdates removal;

    CheckDatabaseUpdatesDelegate(HostRemovalUpdates removal) {
        this.removal = removal;
    }

    @Override
    public String name() {
        return HandlerNames.CHECK_DATABASE_UPDATES;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        removal.checkUpdatesCompleted(context.databaseUpdateTasks()).forEach(context::log);
        return Map.of();
    }
}
