package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldPath;
import io.controlplane.database.spec.OrchestratorOpts;
import io.controlplane.database.spec.SwarmOpts;

import java.util.ArrayList;
import java.util.List;

/** Every {@code orchestrator_opts.swarm} of a spec with its path. */
record SwarmScope(FieldPath path, SwarmOpts swarm) {

    static List<SwarmScope> all(DatabaseSpec spec) {
        List<SwarmScope> all = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.orchestratorOpts().flatMap(OrchestratorOpts::swarm).ifPresent(s -> all.add(
                    new SwarmScope(scope.path().field("orchestrator_opts").field("swarm"), s)));
        }
        return all;
    }
}
