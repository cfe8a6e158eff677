package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/**
 * Fields pgEdge defines that we parse and check but nothing acts on yet. Accepting them would let a user
 * believe backups are configured, so a request that sets one is refused as {@code operation_not_supported}
 * until the feature exists. Their value rules stay in place for that day.
 */
final class NotYetSupportedFields {

    static final String BACKUP = "backups are not supported yet: nothing would take or schedule them; remove"
            + " backup_config";
    static final String RESTORE = "restoring from a backup is not supported yet; remove restore_config";

    private NotYetSupportedFields() {
    }

    static List<FieldError> of(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        spec.backupConfig().ifPresent(b -> errors.add(FieldError.notSupported(FieldPath.of("backup_config"), BACKUP)));
        spec.restoreConfig().ifPresent(r ->
                errors.add(FieldError.notSupported(FieldPath.of("restore_config"), RESTORE)));
        for (int i = 0; i < spec.nodes().size(); i++) {
            DatabaseNodeSpec node = spec.nodes().get(i);
            FieldPath path = FieldPath.of("nodes").index(i);
            node.backupConfig().ifPresent(b -> errors.add(FieldError.notSupported(path.field("backup_config"), BACKUP)));
            node.restoreConfig().ifPresent(r ->
                    errors.add(FieldError.notSupported(path.field("restore_config"), RESTORE)));
        }
        return errors;
    }

    /**
     * The refusals first, then every other error that does not lie inside a refused field: problems inside
     * a field that is refused as a whole would only distract.
     */
    static List<FieldError> refuse(List<FieldError> refusals, List<FieldError> errors) {
        List<FieldError> out = new ArrayList<>(refusals);
        errors.stream()
                .filter(e -> refusals.stream().noneMatch(r -> e.path().startsWith(r.path())))
                .forEach(out::add);
        return out;
    }
}
