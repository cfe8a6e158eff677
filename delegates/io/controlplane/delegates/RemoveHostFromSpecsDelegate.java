package io.controlplane.delegates;

import io.controlplane.database.operation.HostRemovalUpdates;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Take host out of database specs": prepares the database updates of remove-host. */
@Component
class RemoveHostFromSpecsDelegate implements StepHandler {

    private final HostRemovalUpdates removal;

    RemoveHostFromSpecsDelegate(HostRemovalUpdates removal) {
        this.removal = removal;
    }

    @Override
    public String name() {
        return HandlerNames.REMOVE_HOST_FROM_SPECS;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        var databaseIds = context.stringList(ProcessVariables.DATABASE_IDS);
        removal.takeHostOutOfSpecs(context.hostBeingRemoved(), databaseIds).forEach(context::log);
        if (databaseIds.isEmpty()) {
            context.log("no database used the host");
        }
        return Map.of();
    }
}
