package io.controlplane.delegates;

import io.controlplane.database.operation.NodeRestores;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * "Prepare restored database" on the node's primary host: the pgBackRest restore log into the task log,
 * then the database renamed to the spec's name and the replication state of the source dropped.
 */
@Component
class PrepareRestoredDatabaseDelegate implements StepHandler {

    private final NodeRestores restores;

    PrepareRestoredDatabaseDelegate(NodeRestores restores) {
        this.restores = restores;
    }

    @Override
    public String name() {
        return HandlerNames.PREPARE_RESTORED_DATABASE;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String node = context.nodeName();
        Map<String, ?> fields = Map.of("node_name", node);
        String outcome;
        if (context.variable(ProcessVariables.RESTORE_PRIMARIES).isPresent()) {
            String missing = restores.copyRestoreLog(context.databaseId(), node,
                    context.stringList(ProcessVariables.RESTORE_PRIMARIES), line -> context.log(line, fields));
            if (!missing.isEmpty()) {
                context.log(missing, fields);
            }
            outcome = restores.prepareInPlace(context.databaseId(), node, context.taskId());
        } else {
            outcome = restores.prepareFromSpec(context.databaseId(), node);
        }
        if (!outcome.isEmpty()) {
            context.log(outcome, fields);
        }
        return Map.of();
    }
}
