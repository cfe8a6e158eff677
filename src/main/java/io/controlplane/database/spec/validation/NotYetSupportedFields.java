package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/**
 * Fields pgEdge defines that we parse and check but nothing acts on yet. Accepting them would let a user
 * believe they are in effect, so a request that sets one is refused as {@code operation_not_supported}
 * until the feature exists. Their value rules stay in place for that day. Backups work with posix, cifs
 * and s3 repositories; gcs and azure ones are refused until they are tested against the real services.
 */
final class NotYetSupportedFields {

    static final String REPOSITORY_TYPE = " repositories are not supported yet: use posix, cifs or s3 (any"
            + " S3-compatible endpoint)";
    private static final java.util.Set<String> UNSUPPORTED_REPOSITORY_TYPES = java.util.Set.of("gcs", "azure");

    private NotYetSupportedFields() {
    }

    static List<FieldError> of(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (LocatedRepository located : LocatedRepository.all(spec)) {
            String type = located.repository().type();
            if (UNSUPPORTED_REPOSITORY_TYPES.contains(type)) {
                errors.add(FieldError.notSupported(located.path(), type + REPOSITORY_TYPE));
            }
        }
        for (int i = 0; i < spec.nodes().size(); i++) {
            DatabaseNodeSpec node = spec.nodes().get(i);
            FieldPath path = FieldPath.of("nodes").index(i);
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
