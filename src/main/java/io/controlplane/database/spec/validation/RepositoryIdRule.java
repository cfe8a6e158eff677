package io.controlplane.database.spec.validation;

import io.controlplane.common.Identifiers;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.util.ArrayList;
import java.util.List;

/** The repository id becomes a path segment of the repository, so it follows the identifier rule. */
final class RepositoryIdRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (LocatedRepository located : LocatedRepository.all(spec)) {
            located.repository().id().filter(id -> !id.isEmpty()).flatMap(Identifiers::problem)
                    .ifPresent(p -> errors.add(FieldError.invalid(located.path().field("id"), p)));
        }
        return errors;
    }
}
