package io.controlplane.delegates;

import io.controlplane.database.operation.LeaderChange;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Check that the node needs a failover": a healthy node fails the operation unless skip_validation. */
@Component
class CheckNodeNeedsFailoverDelegate extends NodePrimaryStep {

    private final LeaderChange leaderChange;

    CheckNodeNeedsFailoverDelegate(LeaderChange leaderChange) {
        this.leaderChange = leaderChange;
    }

    @Override
    public String name() {
        return HandlerNames.CHECK_NODE_NEEDS_FAILOVER;
    }

    @Override
    String run(StepContext context, String databaseId, String nodeName, String candidate) {
        return leaderChange.checkNeedsFailover(databaseId, nodeName, candidate, context.skipValidation());
    }
}
