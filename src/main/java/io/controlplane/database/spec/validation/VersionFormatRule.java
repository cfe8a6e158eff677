package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Versions select an image from the manifest, so they must have its form. {@code spock_version} is
 * only kept for pgEdge clients: we replicate with pglogical and ignore it beyond its format.
 */
final class VersionFormatRule implements SpecRule {

    static final String POSTGRES = "must be a major.minor version such as 17.6";
    static final String SPOCK = "must be a single-digit major version such as 5";
    private static final Pattern POSTGRES_VERSION = Pattern.compile("^\\d{2}\\.\\d{1,2}$");
    private static final Pattern SPOCK_VERSION = Pattern.compile("^\\d$");

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.postgresVersion().filter(v -> !POSTGRES_VERSION.matcher(v).matches()).ifPresent(v ->
                    errors.add(FieldError.invalid(scope.path().field("postgres_version"), POSTGRES)));
        }
        spec.spockVersion().filter(v -> !SPOCK_VERSION.matcher(v).matches()).ifPresent(v ->
                errors.add(FieldError.invalid(io.controlplane.database.spec.FieldPath.of("spock_version"), SPOCK)));
        return errors;
    }
}
