package io.controlplane.database.spec;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The declarative description of a database that users send to {@code /v1/databases}. Values left
 * out are defaulted later from the hosts (versions, cpus, memory), not here.
 */
public record DatabaseSpec(
        String databaseName,
        String postgresVersionOrNull,
        String spockVersionOrNull,
        Integer portOrNull,
        Integer patroniPortOrNull,
        String cpusOrNull,
        String memoryOrNull,
        List<DatabaseNodeSpec> nodes,
        List<DatabaseUserSpec> databaseUsers,
        BackupConfigSpec backupConfigOrNull,
        RestoreConfigSpec restoreConfigOrNull,
        Map<String, ConfValue> postgresqlConf,
        List<String> pgHbaConf,
        List<String> pgIdentConf,
        OrchestratorOpts orchestratorOptsOrNull,
        DatabaseScripts scriptsOrNull) {

    public DatabaseSpec {
        Objects.requireNonNull(databaseName, "databaseName");
        nodes = Collections2.list(nodes);
        databaseUsers = Collections2.list(databaseUsers);
        postgresqlConf = Collections2.map(postgresqlConf);
        pgHbaConf = Collections2.list(pgHbaConf);
        pgIdentConf = Collections2.list(pgIdentConf);
    }

    public Optional<String> postgresVersion() { return Optional.ofNullable(postgresVersionOrNull); }
    /** Accepted for pgEdge compatibility; we replicate with pglogical, so it has no effect. */
    public Optional<String> spockVersion() { return Optional.ofNullable(spockVersionOrNull); }
    public Optional<Integer> port() { return Optional.ofNullable(portOrNull); }
    public Optional<Integer> patroniPort() { return Optional.ofNullable(patroniPortOrNull); }
    public Optional<String> cpus() { return Optional.ofNullable(cpusOrNull); }
    public Optional<String> memory() { return Optional.ofNullable(memoryOrNull); }
    public Optional<BackupConfigSpec> backupConfig() { return Optional.ofNullable(backupConfigOrNull); }
    public Optional<RestoreConfigSpec> restoreConfig() { return Optional.ofNullable(restoreConfigOrNull); }
    public Optional<OrchestratorOpts> orchestratorOpts() { return Optional.ofNullable(orchestratorOptsOrNull); }
    public Optional<DatabaseScripts> scripts() { return Optional.ofNullable(scriptsOrNull); }

    public Optional<DatabaseNodeSpec> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** The Postgres port of a node's instances: the node's own, else the database's. */
    public Optional<Integer> effectivePort(DatabaseNodeSpec node) {
        return node.port().or(this::port);
    }

    public Optional<Integer> effectivePatroniPort(DatabaseNodeSpec node) {
        return node.patroniPort().or(this::patroniPort);
    }

    public Optional<String> effectivePostgresVersion(DatabaseNodeSpec node) {
        return node.postgresVersion().or(this::postgresVersion);
    }

    /** The same spec with a database-level Postgres version, e.g. the manifest default. */
    public DatabaseSpec withPostgresVersion(String postgresVersion) {
        return with(postgresVersion, spockVersionOrNull, nodes, databaseUsers, backupConfigOrNull, restoreConfigOrNull);
    }

    /** The same spec without the nodes' hosts in {@code hostIds}; nodes left with no host are dropped. */
    public DatabaseSpec withoutHosts(Collection<String> hostIds) {
        List<DatabaseNodeSpec> kept = nodes.stream().map(n -> n.withoutHosts(hostIds))
                .filter(n -> !n.hostIds().isEmpty()).toList();
        return with(postgresVersionOrNull, spockVersionOrNull, kept, databaseUsers, backupConfigOrNull,
                restoreConfigOrNull);
    }

    /** The same spec with this database-level restore config (to validate a restore request's config). */
    public DatabaseSpec withRestoreConfig(RestoreConfigSpec restore) {
        return with(postgresVersionOrNull, spockVersionOrNull, nodes, databaseUsers, backupConfigOrNull, restore);
    }

    /**
     * The spec after an in-place restore of {@code targets} (reference §2.3 restore-database): the
     * database-level backup config is pushed down to every node, then removed from the targets, so a
     * restored node archives nothing into the stanza it was restored from until backups are configured again.
     */
    public DatabaseSpec forInPlaceRestore(Collection<String> targets) {
        List<DatabaseNodeSpec> newNodes = nodes.stream().map(n -> n.with(n.postgresVersionOrNull(),
                targets.contains(n.name()) ? null : n.backupConfig().orElse(backupConfigOrNull),
                n.restoreConfigOrNull())).toList();
        return with(postgresVersionOrNull, spockVersionOrNull, newNodes, databaseUsers, null, restoreConfigOrNull);
    }

    DatabaseSpec with(String postgresVersion, String spockVersion, List<DatabaseNodeSpec> newNodes,
            List<DatabaseUserSpec> users, BackupConfigSpec backup, RestoreConfigSpec restore) {
        return new DatabaseSpec(databaseName, postgresVersion, spockVersion, portOrNull, patroniPortOrNull, cpusOrNull,
                memoryOrNull, newNodes, users, backup, restore, postgresqlConf, pgHbaConf, pgIdentConf,
                orchestratorOptsOrNull, scriptsOrNull);
    }

    /**
     * The spec after an image change (apply-upgrade): every Postgres version of the spec is
     * {@code postgresVersion}, and every instance runs {@code image}, explicitly when it is not the image
     * manifest's image of that version ({@code null}: the manifest decides, explicit images are removed).
     */
    public DatabaseSpec withImage(String postgresVersion, String image) {
        OrchestratorOpts opts = orchestratorOptsOrNull == null ? (image == null ? null : new OrchestratorOpts(null))
                : orchestratorOptsOrNull;
        return new DatabaseSpec(databaseName, postgresVersion, spockVersionOrNull, portOrNull, patroniPortOrNull,
                cpusOrNull, memoryOrNull, nodes.stream().map(n -> n.withImage(postgresVersion, image)).toList(),
                databaseUsers, backupConfigOrNull, restoreConfigOrNull, postgresqlConf, pgHbaConf, pgIdentConf,
                opts == null ? null : opts.withImage(image), scriptsOrNull);
    }
}
