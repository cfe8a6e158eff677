package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** CPUs become a Swarm limit and tuning input: a decimal with at most 3 places, or millicpus. */
final class CpusRule implements SpecRule {

    static final String MESSAGE = "failed to parse CPUs: must be a number with at most 3 decimals or millicpus"
            + " such as 500m";
    private static final Pattern CPUS = Pattern.compile("^[0-9]+(\\.[0-9]{1,3}|m)?$");

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            // pgEdge treats "" and 0 as "use the host's CPUs", so they are accepted.
            scope.cpus().filter(c -> !c.isEmpty() && !CPUS.matcher(c).matches()).ifPresent(c ->
                    errors.add(FieldError.invalid(scope.path().field("cpus"), MESSAGE)));
        }
        return errors;
    }
}
