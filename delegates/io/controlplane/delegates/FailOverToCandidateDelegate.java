package io.controlplane.delegates;

import io.controlplane.database.operation.LeaderChange;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Fail over with Patroni": the chosen instance becomes leader without the old one's consent. */
@Component
class FailOverToCandidateDelegate extends NodePrimaryStep {

    private final LeaderChange leaderChange;

    FailOverToCandidateDelegate(LeaderChange leaderChange) {
        this.leaderChange = leaderChange;
    }

    @Override
    public String name() {
        return HandlerNames.FAIL_OVER_TO_CANDIDATE;
    }

    @Override
    String run(StepContext context, String databaseId, String nodeName, String candidate) {
        return leaderChange.failOver(databaseId, nodeName, candidate);
    }
}
