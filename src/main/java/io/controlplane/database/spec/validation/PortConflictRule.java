package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An instance binds both its Postgres and its Patroni port on the host (we run host networking on
 * test machines), so the two may not be equal; 0 asks for a random port and never conflicts.
 * Reported at the level that sets them, like pgEdge.
 */
final class PortConflictRule implements SpecRule {

    static final String MESSAGE = "postgres and patroni ports must not conflict"; // pgEdge

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        if (conflict(spec.portOrNull(), spec.patroniPortOrNull())) {
            errors.add(FieldError.invalid(FieldPath.of("port"), MESSAGE));
        }
        for (int i = 0; i < spec.nodes().size(); i++) {
            DatabaseNodeSpec node = spec.nodes().get(i);
            boolean setByNode = node.portOrNull() != null || node.patroniPortOrNull() != null;
            if (setByNode && conflict(spec.effectivePort(node).orElse(null),
                    spec.effectivePatroniPort(node).orElse(null))) {
                errors.add(FieldError.invalid(FieldPath.of("nodes").index(i).field("port"), MESSAGE));
            }
        }
        return errors;
    }

    private static boolean conflict(Integer postgres, Integer patroni) {
        return postgres != null && postgres != 0 && Objects.equals(postgres, patroni);
    }
}
