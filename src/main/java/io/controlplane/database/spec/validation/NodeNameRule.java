package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.math.BigInteger;
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
            String name = spec.nodes().get(i).name();
            FieldPath path = FieldPath.of("nodes").index(i).field("name");
            if (!NODE_NAME.matcher(name).matches()) {
                errors.add(FieldError.invalid(path, Messages.NODE_NAME));
            } else if (!fitsAnOrdinal(name.substring(1))) {
                errors.add(FieldError.invalid(path, Messages.NODE_NUMBER));
            }
        }
        return errors;
    }

    /** The planner reads the digits as an int; a larger number would fail every operation later. */
    private static boolean fitsAnOrdinal(String digits) {
        return new BigInteger(digits).compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) <= 0;
    }
}
