package io.controlplane.delegates;

import io.controlplane.database.operation.DatabaseOutcome;
import io.controlplane.database.operation.NodeRestores;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Finish restore": restore markers and the restore config removed, database available. */
@Component
class FinishRestoreDelegate implements StepHandler {

    private final NodeRestores restores;
    private final DatabaseOutcome outcome;

    FinishRestoreDelegate(NodeRestores restores, DatabaseOutcome outcome) {
        this.restores = restores;
        this.outcome = outcome;
    }

    @Override
    public String name() {
        return HandlerNames.FINISH_RESTORE;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String done = restores.finish(context.databaseId(), context.taskId(),
                context.stringList(ProcessVariables.RESTORE_INSTANCES));
        outcome.available(context.databaseId());
        context.log(done + "; database is available");
        return Map.of();
    }
}
