package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.BackupRepositorySpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldPath;
import io.controlplane.database.spec.RepositorySpec;

import java.util.ArrayList;
import java.util.List;

/** Every repository of a spec (backup and restore, database and node level) with its path. */
record LocatedRepository(FieldPath path, RepositorySpec repository) {

    static List<LocatedRepository> all(DatabaseSpec spec) {
        List<LocatedRepository> all = new ArrayList<>();
        for (ConfigScope scope : ConfigScope.of(spec)) {
            scope.backupConfig().ifPresent(c -> {
                FieldPath repos = scope.path().field("backup_config").field("repositories");
                List<BackupRepositorySpec> list = c.repositories();
                for (int i = 0; i < list.size(); i++) {
                    all.add(new LocatedRepository(repos.index(i), list.get(i)));
                }
            });
            scope.restoreConfig().ifPresent(r -> all.add(new LocatedRepository(
                    scope.path().field("restore_config").field("repository"), r.repository())));
        }
        return all;
    }
}
