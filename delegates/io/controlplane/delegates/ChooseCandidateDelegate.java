package io.controlplane.delegates;

import io.controlplane.database.operation.LeaderChange;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Choose new primary" of a switchover or failover: sets {@code candidateInstanceId} and {@code candidateHost}. */
@Component
class ChooseCandidateDelegate implements StepHandler {

    private final LeaderChange leaderChange;

    ChooseCandidateDelegate(LeaderChange leaderChange) {
        this.leaderChange = leaderChange;
    }

    @Override
    public String name() {
        return HandlerNames.CHOOSE_CANDIDATE;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        LeaderChange.Candidate candidate = leaderChange.choose(context.databaseId(), context.nodeName(),
                context.candidateInstanceId());
        context.log("new primary of node " + context.nodeName() + ": " + candidate.instanceId() + " on host "
                + candidate.hostId() + " (" + candidate.why() + ")", Map.of("node_name", context.nodeName(),
                "instance_id", candidate.instanceId(), "host_id", candidate.hostId()));
        return Map.of(ProcessVariables.CANDIDATE_INSTANCE_ID, candidate.instanceId(),
                ProcessVariables.CANDIDATE_HOST, candidate.hostId());
    }
}
