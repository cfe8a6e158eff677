package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;
import io.controlplane.pgbackrest.RestoreOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node created from a backup must end as a writable primary: {@code restore_options} need a recovery
 * type that promotes, a target where the type needs one, in a form pgBackRest reads, and none of the
 * options the control plane sets itself ({@link RestoreOptions}). Repository custom options go into the
 * config file line by line, so their values may not break a line.
 */
final class RestoreOptionsRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.restoreConfig().ifPresent(r -> check(r.restoreOptions(),
                    scope.path().field("restore_config").field("restore_options"), errors));
        }
        for (LocatedRepository located : LocatedRepository.all(spec)) {
            located.repository().customOptions().forEach((k, v) -> {
                if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                    errors.add(FieldError.invalid(located.path().field("custom_options").key(k),
                            "must not contain line breaks"));
                }
            });
        }
        return errors;
    }

    /** Also used for the options of an in-place restore request. */
    static void check(Map<String, String> options, FieldPath path, List<FieldError> errors) {
        RestoreOptions.problems(options).forEach((key, problem) -> errors.add(FieldError.invalid(path.key(key), problem)));
    }
}
