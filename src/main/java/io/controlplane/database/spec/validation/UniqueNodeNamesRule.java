package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Node names key instances, Patroni scopes and subscriptions. Message and path as in pgEdge. */
final class UniqueNodeNamesRule implements SpecRule {

    static final String MESSAGE = "node names must be unique within a database";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            if (!seen.add(spec.nodes().get(i).name())) {
                errors.add(FieldError.invalid(FieldPath.of("nodes").index(i), MESSAGE));
            }
        }
        return errors;
    }
}
