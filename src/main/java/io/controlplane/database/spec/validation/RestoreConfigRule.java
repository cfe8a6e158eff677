package io.controlplane.database.spec.validation;

import io.controlplane.common.Identifiers;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;
import io.controlplane.database.spec.RestoreConfigSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The source of a restore is found in the repository by database id and node name, so both must
 * have the form we store them in; the source database name is renamed to ours after the restore.
 */
final class RestoreConfigRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.restoreConfig().ifPresent(r -> check(r, scope.path().field("restore_config"), errors));
        }
        return errors;
    }

    private static void check(RestoreConfigSpec r, FieldPath path, List<FieldError> errors) {
        Identifiers.problem(r.sourceDatabaseId())
                .ifPresent(p -> errors.add(FieldError.invalid(path.field("source_database_id"), p)));
        if (!NodeNameRule.NODE_NAME.matcher(r.sourceNodeName()).matches()) {
            errors.add(FieldError.invalid(path.field("source_node_name"), Messages.NODE_NAME));
        }
        if (!Messages.lengthIn(r.sourceDatabaseName(), 1, 31)) {
            errors.add(FieldError.invalid(path.field("source_database_name"), Messages.length(1, 31)));
        }
        if (r.restoreOptions().size() > 32) {
            errors.add(FieldError.invalid(path.field("restore_options"), Messages.atMost(32, "options")));
        }
    }
}
