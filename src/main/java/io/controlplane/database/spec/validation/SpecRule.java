package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;

import java.util.List;

/** One validation rule; it reports all its violations, each with the path of the offending field. */
interface SpecRule {

    List<FieldError> check(DatabaseSpec spec);
}
