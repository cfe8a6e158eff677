package io.controlplane.delegates;

import io.controlplane.database.operation.DatabaseOutcome;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Mark database available". */
@Component
class MarkDatabaseAvailableDelegate implements StepHandler {

    private final DatabaseOutcome outcome;

    MarkDatabaseAvailableDelegate(DatabaseOutcome outcome) {
        this.outcome = outcome;
    }

    @Override
    public String name() {
        return HandlerNames.MARK_DATABASE_AVAILABLE;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        outcome.available(context.databaseId());
        context.log("database is available");
        return Map.of();
    }
}
