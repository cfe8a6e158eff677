package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The digits after "n" are the node ordinal used in replication settings, so names are n1, n2, ... */
final class NodeNameRule implements SpecRule {

    static final Pattern NODE_NAME = Pattern.compile("^n[0-9]+$");

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            if (!NODE_NAME.matcher(spec.nodes().get(i).name()).matches()) {
                errors.add(FieldError.invalid(FieldPath.of("nodes").index(i).field("name"), Messages.NODE_NAME));
            }
        }
        return errors;
    }
}
