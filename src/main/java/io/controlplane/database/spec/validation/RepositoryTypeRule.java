package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;
import io.controlplane.database.spec.RepositorySpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * pgBackRest needs the location fields of each repository type: a bucket for s3 and gcs, account,
 * container and key for azure, an absolute base path for posix and cifs. Messages as in pgEdge.
 */
final class RepositoryTypeRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (LocatedRepository located : LocatedRepository.all(spec)) {
            RepositorySpec r = located.repository();
            FieldPath p = located.path();
            switch (r.type()) {
                case "s3" -> require(r.s3Bucket(), "s3_bucket", "s3", p, errors);
                case "gcs" -> require(r.gcsBucket(), "gcs_bucket", "gcs", p, errors);
                case "azure" -> {
                    require(r.azureAccount(), "azure_account", "azure", p, errors);
                    require(r.azureContainer(), "azure_container", "azure", p, errors);
                    require(r.azureKey(), "azure_key", "azure", p, errors);
                }
                case "posix", "cifs" -> {
                    String base = r.basePath().orElse("");
                    if (base.isEmpty()) {
                        errors.add(FieldError.invalid(p.field("base_path"),
                                "base_path is required for " + r.type() + " repositories"));
                    } else if (!base.startsWith("/")) {
                        errors.add(FieldError.invalid(p.field("base_path"),
                                "base_path must be absolute for " + r.type() + " repositories"));
                    }
                }
                default -> errors.add(FieldError.invalid(p.field("type"), "unsupported repo type '" + r.type() + "'"));
            }
        }
        return errors;
    }

    private static void require(Optional<String> value, String field, String type, FieldPath p,
            List<FieldError> errors) {
        if (value.orElse("").isEmpty()) {
            errors.add(FieldError.invalid(p.field(field), field + " is required for " + type + " repositories"));
        }
    }
}
