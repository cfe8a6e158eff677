package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CPUs become a Swarm limit and tuning input: a decimal with at most 3 places, or millicpus, and at
 * least 1 millicpu (pgEdge's message). pgEdge's server reads a zero as "unset"; we refuse it, because a
 * zero written into a spec looks like a limit and is most likely a mistake. An empty string means "the
 * host's CPUs", as leaving the field out does.
 */
final class CpusRule implements SpecRule {

    static final String MESSAGE = "failed to parse CPUs: must be a number with at most 3 decimals or millicpus"
            + " such as 500m";
    static final String TOO_SMALL = "cannot be less than 1 millicpu";
    private static final Pattern CPUS = Pattern.compile("^[0-9]+(\\.[0-9]{1,3}|m)?$");
    private static final BigDecimal ONE_MILLICPU = new BigDecimal("0.001");

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.cpus().filter(c -> !c.isEmpty()).ifPresent(c -> {
                if (!CPUS.matcher(c).matches()) {
                    errors.add(FieldError.invalid(scope.path().field("cpus"), MESSAGE));
                } else if (cpus(c).compareTo(ONE_MILLICPU) < 0) {
                    errors.add(FieldError.invalid(scope.path().field("cpus"), TOO_SMALL));
                }
            });
        }
        return errors;
    }

    private static BigDecimal cpus(String value) {
        return value.endsWith("m")
                ? new BigDecimal(value.substring(0, value.length() - 1)).movePointLeft(3)
                : new BigDecimal(value);
    }
}
