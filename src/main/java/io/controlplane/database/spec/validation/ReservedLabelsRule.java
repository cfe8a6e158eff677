package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/**
 * We find our own Swarm services by labels under {@code controlplane.} (pgEdge uses {@code pgedge.});
 * a user label there could make us adopt or delete a service that is not ours.
 */
final class ReservedLabelsRule implements SpecRule {

    static final String PREFIX = "controlplane.";
    static final String MESSAGE = "labels starting with \"controlplane.\" are reserved for system use";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (SwarmScope scope : SwarmScope.all(spec)) {
            FieldPath labels = scope.path().field("extra_labels");
            scope.swarm().extraLabels().keySet().stream().filter(k -> k.startsWith(PREFIX))
                    .forEach(k -> errors.add(FieldError.invalid(labels.key(k), MESSAGE)));
        }
        return errors;
    }
}
