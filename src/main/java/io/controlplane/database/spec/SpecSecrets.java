package io.controlplane.database.spec;

import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Rewrites every user and repository of a spec; the one walk redaction and secret retention share. */
final class SpecSecrets {

    private SpecSecrets() {
    }

    static DatabaseSpec rewrite(DatabaseSpec spec, UnaryOperator<DatabaseUserSpec> user,
            Function<RepositorySpec, Secrets> secrets) {
        UnaryOperator<BackupRepositorySpec> backupRepo = r -> r.withSecrets(secrets.apply(r));
        UnaryOperator<RestoreConfigSpec> restore = c -> c.withRepository(
                c.repository().withSecrets(secrets.apply(c.repository())));
        var nodes = spec.nodes().stream().map(n -> n.with(n.postgresVersionOrNull(),
                n.backupConfig().map(b -> b.mapRepositories(backupRepo)).orElse(null),
                n.restoreConfig().map(restore).orElse(null))).toList();
        return spec.with(spec.postgresVersionOrNull(), spec.spockVersionOrNull(), nodes,
                spec.databaseUsers().stream().map(user).toList(),
                spec.backupConfig().map(b -> b.mapRepositories(backupRepo)).orElse(null),
                spec.restoreConfig().map(restore).orElse(null));
    }
}
