package io.controlplane.delegates;

import io.controlplane.database.operation.LeaderChange;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Switch over with Patroni": the node's leader hands over to the chosen instance. */
@Component
class SwitchOverToCandidateDelegate extends NodePrimaryStep {

    private final LeaderChange leaderChange;

    SwitchOverToCandidateDelegate(LeaderChange leaderChange) {
        this.leaderChange = leaderChange;
    }

    @Override
    public String name() {
        return HandlerNames.SWITCH_OVER_TO_CANDIDATE;
    }

    @Override
    String run(StepContext context, String databaseId, String nodeName, String candidate) {
        return leaderChange.switchOver(databaseId, nodeName, candidate);
    }
}
