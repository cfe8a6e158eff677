package io.controlplane.delegates;

import io.controlplane.database.operation.LeaderChange;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Wait for new primary writable". */
@Component
class WaitForNodePrimaryDelegate extends NodePrimaryStep {

    private final LeaderChange leaderChange;

    WaitForNodePrimaryDelegate(LeaderChange leaderChange) {
        this.leaderChange = leaderChange;
    }

    @Override
    public String name() {
        return HandlerNames.WAIT_FOR_NODE_PRIMARY;
    }

    @Override
    String run(StepContext context, String databaseId, String nodeName, String candidate) {
        return leaderChange.waitForPrimary(databaseId, nodeName, candidate);
    }
}
