package io.controlplane.delegates;

import io.controlplane.database.operation.NodeRestores;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Clear node's Patroni state": with the node stopped, so its primary bootstraps anew (from the backup). */
@Component
class ClearPatroniStateDelegate implements StepHandler {

    private final NodeRestores restores;

    ClearPatroniStateDelegate(NodeRestores restores) {
        this.restores = restores;
    }

    @Override
    public String name() {
        return HandlerNames.CLEAR_PATRONI_STATE;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        context.log(restores.clearPatroniState(context.databaseId(), context.nodeName()),
                Map.of("node_name", context.nodeName()));
        return Map.of();
    }
}
