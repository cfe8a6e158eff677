package io.controlplane.database.spec;

import java.util.List;
import java.util.Optional;

/** What parsing produced: the value only when the JSON had no shape errors, and all the errors. */
public record ParseResult<T>(T valueOrNull, List<FieldError> errors) {

    public ParseResult {
        errors = List.copyOf(errors);
        if (!errors.isEmpty()) {
            // A half-built value would pass defaults for missing fields on to validation.
            valueOrNull = null;
        }
    }

    public Optional<T> value() {
        return Optional.ofNullable(valueOrNull);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
