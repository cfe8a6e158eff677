package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.BackupConfigSpec;
import io.controlplane.database.spec.ConfValue;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldPath;
import io.controlplane.database.spec.OrchestratorOpts;
import io.controlplane.database.spec.RestoreConfigSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields the database and each node both carry, with the path they sit at, so a rule for such a
 * field is written once and checks the top level and every node override.
 */
record ConfigScope(
        FieldPath path,
        Optional<String> postgresVersion,
        Optional<String> cpus,
        Optional<String> memory,
        Map<String, ConfValue> postgresqlConf,
        List<String> pgHbaConf,
        List<String> pgIdentConf,
        Optional<BackupConfigSpec> backupConfig,
        Optional<RestoreConfigSpec> restoreConfig,
        Optional<OrchestratorOpts> orchestratorOpts) {

    static List<ConfigScope> of(DatabaseSpec s) {
        List<ConfigScope> scopes = new ArrayList<>();
        scopes.add(new ConfigScope(FieldPath.ROOT, s.postgresVersion(), s.cpus(), s.memory(), s.postgresqlConf(),
                s.pgHbaConf(), s.pgIdentConf(), s.backupConfig(), s.restoreConfig(), s.orchestratorOpts()));
        for (int i = 0; i < s.nodes().size(); i++) {
            DatabaseNodeSpec n = s.nodes().get(i);
            scopes.add(new ConfigScope(FieldPath.of("nodes").index(i), n.postgresVersion(), n.cpus(), n.memory(),
                    n.postgresqlConf(), n.pgHbaConf(), n.pgIdentConf(), n.backupConfig(), n.restoreConfig(),
                    n.orchestratorOpts()));
        }
        return scopes;
    }
}
