package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.util.ArrayList;
import java.util.List;

/** Memory becomes a container limit and drives Postgres tuning, so it must be a byte size. */
final class MemoryRule implements SpecRule {

    static final String MESSAGE = "failed to parse bytes: must be a size such as 512M or 4GiB";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            String memory = scope.memory().orElse("");
            if (memory.isEmpty()) {
                continue;
            }
            if (!Messages.lengthIn(memory, 1, 16)) {
                errors.add(FieldError.invalid(scope.path().field("memory"), Messages.length(0, 16)));
            } else if (ByteSize.parse(memory).isEmpty()) {
                errors.add(FieldError.invalid(scope.path().field("memory"), MESSAGE));
            }
        }
        return errors;
    }
}
