package io.controlplane.delegates;

import io.controlplane.database.operation.DatabaseTopology;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * "Read database topology": nodes, instances (replicas before primaries) and their hosts as process
 * variables, for the steps of an ops engineer's operation to loop over.
 */
@Component
class ReadTopologyDelegate implements StepHandler {

    private final DatabaseTopology topology;

    ReadTopologyDelegate(DatabaseTopology topology) {
        this.topology = topology;
    }

    @Override
    public String name() {
        return HandlerNames.READ_TOPOLOGY;
    }

    @Override
    public Set<String> outputs() {
        return Set.copyOf(ProcessVariables.TOPOLOGY);
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        DatabaseTopology.Topology t = topology.read(context.databaseId());
        context.log("nodes " + String.join(", ", t.nodes()) + "; instances " + String.join(", ", t.instanceIds())
                + " (primaries: " + String.join(", ", t.primaries()) + ")", Map.of("nodes", t.nodes(),
                "instances", t.instanceIds(), "primaries", t.primaries()));
        return t.variables();
    }
}
