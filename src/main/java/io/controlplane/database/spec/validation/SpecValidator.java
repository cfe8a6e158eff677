package io.controlplane.database.spec.validation;

import io.controlplane.common.Identifiers;
import io.controlplane.database.spec.CreateDatabaseRequest;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;
import io.controlplane.database.spec.UpdateDatabaseRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs every spec rule and returns all their errors together (pgEdge reports them all in one 400).
 * Paths are relative to the spec, as in pgEdge; request-level fields use their own names. A request
 * that sets a field we cannot act on yet ({@link NotYetSupportedFields}) is refused for it.
 */
public final class SpecValidator {

    private final List<SpecRule> rules = List.of(
            new DatabaseNameRule(),
            new VersionFormatRule(),
            new CpusRule(),
            new MemoryRule(),
            new NodeCountRule(),
            new NodeNameRule(),
            new UniqueNodeNamesRule(),
            new HostIdsRule(),
            new PortConflictRule(),
            new DuplicateHostPortsRule(),
            new DatabaseUsersRule(),
            new UniqueUsernamesRule(),
            new SingleDbOwnerRule(),
            new SourceNodeRule(),
            new PostgresqlConfRule(),
            new ForbiddenConfKeysRule(),
            new SharedPreloadLibrariesRule(),
            new PgHbaConfRule(),
            new PgIdentConfRule(),
            new ScriptsRule(),
            new BackupConfigRule(),
            new RepositoryIdRule(),
            new RepositoryTypeRule(),
            new RepositoryFieldLengthRule(),
            new RetentionRule(),
            new PgBackRestOptionsRule(),
            new RestoreConfigRule(),
            new RestoreOptionsRule(),
            new ExtraVolumesRule(),
            new ExtraNetworksRule(),
            new ReservedLabelsRule());

    /** The value rules alone, also for fields a request may not set yet. */
    public List<FieldError> validate(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (SpecRule rule : rules) {
            errors.addAll(rule.check(spec));
        }
        return List.copyOf(errors);
    }

    public List<FieldError> validate(CreateDatabaseRequest request) {
        List<FieldError> errors = new ArrayList<>();
        request.id().flatMap(Identifiers::problem).ifPresent(p -> errors.add(FieldError.invalid(FieldPath.of("id"), p)));
        request.tenantId().flatMap(Identifiers::problem)
                .ifPresent(p -> errors.add(FieldError.invalid(FieldPath.of("tenant_id"), p)));
        errors.addAll(validate(request.spec()));
        return List.copyOf(NotYetSupportedFields.refuse(NotYetSupportedFields.of(request.spec()), errors));
    }

    public List<FieldError> validate(UpdateDatabaseRequest request) {
        List<FieldError> errors = new ArrayList<>();
        request.tenantId().flatMap(Identifiers::problem)
                .ifPresent(p -> errors.add(FieldError.invalid(FieldPath.of("tenant_id"), p)));
        errors.addAll(validate(request.spec()));
        return List.copyOf(NotYetSupportedFields.refuse(NotYetSupportedFields.of(request.spec()), errors));
    }
}
