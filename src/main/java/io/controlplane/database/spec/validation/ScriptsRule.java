package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/**
 * Each script entry is run and recorded as one statement: 0–256 entries of 1–1024 characters, each
 * exactly one SQL statement.
 */
final class ScriptsRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        spec.scripts().ifPresent(s -> {
            FieldPath scripts = FieldPath.of("scripts");
            check(scripts.field("post_init"), s.postInit(), errors);
            check(scripts.field("post_database_create"), s.postDatabaseCreate(), errors);
        });
        return errors;
    }

    private static void check(FieldPath path, List<String> statements, List<FieldError> errors) {
        if (statements.size() > 256) {
            errors.add(FieldError.invalid(path, Messages.atMost(256, "statements")));
        }
        for (int i = 0; i < statements.size(); i++) {
            String sql = statements.get(i);
            FieldPath p = path.index(i);
            if (!Messages.lengthIn(sql, 1, 1024)) {
                errors.add(FieldError.invalid(p, Messages.length(1, 1024)));
            } else {
                SqlStatements.problem(sql).ifPresent(problem -> errors.add(FieldError.invalid(p, problem)));
            }
        }
    }
}
