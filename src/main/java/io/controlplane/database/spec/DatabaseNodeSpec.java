package io.controlplane.database.spec;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One multi-active node: a Patroni cluster whose first host is the intended primary and the others
 * streaming replicas. Optional values override the database-level ones.
 */
public record DatabaseNodeSpec(
        String name,
        List<String> hostIds,
        String postgresVersionOrNull,
        Integer portOrNull,
        Integer patroniPortOrNull,
        String cpusOrNull,
        String memoryOrNull,
        Map<String, ConfValue> postgresqlConf,
        List<String> pgHbaConf,
        List<String> pgIdentConf,
        BackupConfigSpec backupConfigOrNull,
        RestoreConfigSpec restoreConfigOrNull,
        OrchestratorOpts orchestratorOptsOrNull,
        String sourceNodeOrNull) {

    public DatabaseNodeSpec {
        Objects.requireNonNull(name, "name");
        hostIds = Collections2.list(hostIds);
        postgresqlConf = Collections2.map(postgresqlConf);
        pgHbaConf = Collections2.list(pgHbaConf);
        pgIdentConf = Collections2.list(pgIdentConf);
    }

    public Optional<String> postgresVersion() { return Optional.ofNullable(postgresVersionOrNull); }
    public Optional<Integer> port() { return Optional.ofNullable(portOrNull); }
    public Optional<Integer> patroniPort() { return Optional.ofNullable(patroniPortOrNull); }
    public Optional<String> cpus() { return Optional.ofNullable(cpusOrNull); }
    public Optional<String> memory() { return Optional.ofNullable(memoryOrNull); }
    public Optional<BackupConfigSpec> backupConfig() { return Optional.ofNullable(backupConfigOrNull); }
    public Optional<RestoreConfigSpec> restoreConfig() { return Optional.ofNullable(restoreConfigOrNull); }
    public Optional<OrchestratorOpts> orchestratorOpts() { return Optional.ofNullable(orchestratorOptsOrNull); }
    public Optional<String> sourceNode() { return Optional.ofNullable(sourceNodeOrNull); }

    DatabaseNodeSpec withoutHosts(Collection<String> removed) {
        return new DatabaseNodeSpec(name, hostIds.stream().filter(h -> !removed.contains(h)).toList(),
                postgresVersionOrNull, portOrNull, patroniPortOrNull, cpusOrNull, memoryOrNull, postgresqlConf, pgHbaConf,
                pgIdentConf, backupConfigOrNull, restoreConfigOrNull, orchestratorOptsOrNull, sourceNodeOrNull);
    }

    DatabaseNodeSpec with(String postgresVersion, BackupConfigSpec backup, RestoreConfigSpec restore) {
        return new DatabaseNodeSpec(name, hostIds, postgresVersion, portOrNull, patroniPortOrNull, cpusOrNull,
                memoryOrNull, postgresqlConf, pgHbaConf, pgIdentConf, backup, restore, orchestratorOptsOrNull,
                sourceNodeOrNull);
    }

    /**
     * For an image change: a node-level Postgres version becomes {@code postgresVersion}, and node-level
     * orchestrator options (which replace the database's) carry {@code image} (null: none).
     */
    DatabaseNodeSpec withImage(String postgresVersion, String image) {
        return new DatabaseNodeSpec(name, hostIds, postgresVersionOrNull == null ? null : postgresVersion, portOrNull,
                patroniPortOrNull, cpusOrNull, memoryOrNull, postgresqlConf, pgHbaConf, pgIdentConf, backupConfigOrNull,
                restoreConfigOrNull, orchestratorOptsOrNull == null ? null : orchestratorOptsOrNull.withImage(image),
                sourceNodeOrNull);
    }
}
