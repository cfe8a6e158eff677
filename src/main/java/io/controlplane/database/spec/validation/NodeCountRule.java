package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.List;

/** A full replication mesh grows with the square of the nodes; pgEdge allows 1 to 9. */
final class NodeCountRule implements SpecRule {

    static final String MESSAGE = "must have between 1 and 9 nodes";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        int n = spec.nodes().size();
        return n >= 1 && n <= 9 ? List.of() : List.of(FieldError.invalid(FieldPath.of("nodes"), MESSAGE));
    }
}
