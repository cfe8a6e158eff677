package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Option names become pgBackRest settings and command-line flags, so they must look like one
 * ({@code ^[a-z0-9-]+$}) and cannot smuggle in other syntax. Message as in pgEdge.
 */
final class PgBackRestOptionsRule implements SpecRule {

    static final Pattern OPTION_NAME = Pattern.compile("^[a-z0-9-]+$");

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (LocatedRepository located : LocatedRepository.all(spec)) {
            check(located.repository().customOptions(), located.path().field("custom_options"), errors);
        }
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.restoreConfig().ifPresent(r ->
                    check(r.restoreOptions(), scope.path().field("restore_config").field("restore_options"), errors));
        }
        return errors;
    }

    static void check(Map<String, String> options, FieldPath path, List<FieldError> errors) {
        for (String key : options.keySet()) {
            if (!OPTION_NAME.matcher(key).matches()) {
                errors.add(FieldError.invalid(path.key(key), Messages.INVALID_OPTION_NAME));
            }
        }
    }
}
