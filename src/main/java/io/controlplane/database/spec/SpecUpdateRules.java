package io.controlplane.database.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an update may not change, and how omitted values are carried over from the stored spec.
 * Messages and paths as in pgEdge.
 */
public final class SpecUpdateRules {

    static final String TENANT_CHANGED = "tenant ID cannot be changed";
    static final String NAME_CHANGED = "database name cannot be changed";
    static final String SOURCE_NOT_EXISTING = "source node must refer to an existing node";

    /**
     * Checks the new spec against the stored one. An omitted {@code tenant_id} in the request means
     * "unchanged", so clients that do not know about tenants can still update.
     */
    public List<FieldError> check(Optional<String> oldTenantId, DatabaseSpec oldSpec,
            Optional<String> newTenantId, DatabaseSpec newSpec) {
        List<FieldError> errors = new ArrayList<>();
        if (newTenantId.isPresent() && !newTenantId.equals(oldTenantId)) {
            errors.add(FieldError.invalid(FieldPath.of("tenant_id"), TENANT_CHANGED));
        }
        if (!oldSpec.databaseName().equals(newSpec.databaseName())) {
            errors.add(FieldError.invalid(FieldPath.of("database_name"), NAME_CHANGED));
        }
        boolean databaseMajorReported = majorChange(oldSpec.postgresVersion(), newSpec.postgresVersion())
                .map(m -> errors.add(FieldError.invalid(FieldPath.of("postgres_version"), m))).orElse(false);

        Set<String> existing = oldSpec.nodes().stream().map(DatabaseNodeSpec::name).collect(Collectors.toSet());
        for (int i = 0; i < newSpec.nodes().size(); i++) {
            DatabaseNodeSpec node = newSpec.nodes().get(i);
            FieldPath path = FieldPath.of("nodes").index(i);
            Optional<DatabaseNodeSpec> old = oldSpec.node(node.name());
            if (old.isPresent()) {
                // A running instance cannot switch Postgres major in place; that is an upgrade.
                boolean ownVersion = node.postgresVersion().isPresent();
                if (ownVersion || !databaseMajorReported) {
                    majorChange(oldSpec.effectivePostgresVersion(old.get()), newSpec.effectivePostgresVersion(node))
                            .ifPresent(m -> errors.add(FieldError.invalid(path.field("postgres_version"), m)));
                }
            } else {
                // A new node can only copy data from a node that already has it.
                node.sourceNode().filter(s -> !s.isEmpty() && !existing.contains(s)).ifPresent(s ->
                        errors.add(FieldError.invalid(path.field("source_node"), SOURCE_NOT_EXISTING)));
            }
        }
        return List.copyOf(errors);
    }

    /**
     * Keeps the user passwords and repository keys that the new spec omits. Clients never see them
     * (responses are redacted), so they cannot send them back. Repositories are matched by
     * {@link RepositorySpec#identity()}, users by name.
     */
    public DatabaseSpec withOmittedSecretsFrom(DatabaseSpec newSpec, DatabaseSpec oldSpec) {
        Map<String, String> passwords = new HashMap<>();
        oldSpec.databaseUsers().forEach(u -> u.password().ifPresent(p -> passwords.put(u.username(), p)));
        Map<String, Secrets> secretsByRepository = secretsByIdentity(oldSpec);
        return SpecSecrets.rewrite(newSpec,
                u -> u.password().isPresent() ? u : u.withPassword(passwords.get(u.username())),
                r -> Secrets.of(r).orElse(secretsByRepository.getOrDefault(r.identity(), Secrets.NONE)));
    }

    /**
     * {@link #withOmittedSecretsFrom} plus the Postgres and Spock versions the new spec leaves out,
     * so an update without versions keeps the ones in use instead of taking the hosts' defaults.
     */
    public DatabaseSpec withOmittedValuesFrom(DatabaseSpec newSpec, DatabaseSpec oldSpec) {
        DatabaseSpec s = withOmittedSecretsFrom(newSpec, oldSpec);
        var nodes = s.nodes().stream().map(n -> n.postgresVersion().isPresent() ? n
                : n.with(oldSpec.node(n.name()).flatMap(DatabaseNodeSpec::postgresVersion).orElse(null),
                        n.backupConfigOrNull(), n.restoreConfigOrNull())).toList();
        return s.with(s.postgresVersion().or(oldSpec::postgresVersion).orElse(null),
                s.spockVersion().or(oldSpec::spockVersion).orElse(null), nodes, s.databaseUsers(),
                s.backupConfigOrNull(), s.restoreConfigOrNull());
    }

    private static Optional<String> majorChange(Optional<String> oldVersion, Optional<String> newVersion) {
        if (oldVersion.isEmpty() || newVersion.isEmpty()) {
            return Optional.empty();
        }
        String from = major(oldVersion.get());
        String to = major(newVersion.get());
        return Objects.equals(from, to) ? Optional.empty()
                : Optional.of("major version changed from " + from + " to " + to);
    }

    private static String major(String version) {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    /** Secrets of every stored repository; the first one wins if the same repository appears twice. */
    private static Map<String, Secrets> secretsByIdentity(DatabaseSpec spec) {
        Map<String, Secrets> byIdentity = new HashMap<>();
        List<RepositorySpec> repos = new ArrayList<>();
        spec.backupConfig().ifPresent(b -> repos.addAll(b.repositories()));
        spec.restoreConfig().ifPresent(r -> repos.add(r.repository()));
        for (DatabaseNodeSpec n : spec.nodes()) {
            n.backupConfig().ifPresent(b -> repos.addAll(b.repositories()));
            n.restoreConfig().ifPresent(r -> repos.add(r.repository()));
        }
        for (RepositorySpec r : repos) {
            byIdentity.putIfAbsent(r.identity(), Secrets.of(r));
        }
        return byIdentity;
    }
}
