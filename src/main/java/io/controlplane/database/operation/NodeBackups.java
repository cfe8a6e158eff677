package io.controlplane.database.operation;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceState;
import io.controlplane.database.spec.BackupConfigSpec;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.RepositoryLocation;
import io.controlplane.database.spec.RepositorySpec;
import io.controlplane.orchestrator.ExecResult;
import io.controlplane.orchestrator.Orchestrator;
import io.controlplane.patroni.MemberRole;
import io.controlplane.pgbackrest.BackupInfo;
import io.controlplane.pgbackrest.BackupSet;
import io.controlplane.pgbackrest.OutputRedactor;
import io.controlplane.pgbackrest.PgBackRestCommands;
import io.controlplane.pgbackrest.PgBackRestPaths;
import io.controlplane.resource.InstanceIds;
import io.controlplane.resource.InstanceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;

/**
 * The backup steps of a node, run with pgBackRest inside an instance's container on this host: create and
 * check the stanza on the primary, take a backup, read the sets of the stanza. Every line pgBackRest writes
 * goes to the task log as it comes, with the repository keys masked.
 */
@Service
public class NodeBackups {

    /** The annotation that ties a backup set to the task that took it, so a rerun finds it. */
    public static final String TASK_ANNOTATION = "controlplane-task";
    public static final String SCHEDULE_ANNOTATION = "controlplane-schedule";
    public static final String SCHEDULED_FOR_ANNOTATION = "controlplane-scheduled-for";
    static final Duration STANZA_TIMEOUT = Duration.ofMinutes(5);
    static final Duration BACKUP_TIMEOUT = Duration.ofHours(12);
    static final Duration INFO_TIMEOUT = Duration.ofMinutes(2);

    private final DatabaseStore store;
    private final InstanceConfigs configs;
    private final Orchestrator orchestrator;

    public NodeBackups(DatabaseStore store, InstanceConfigs configs, Orchestrator orchestrator) {
        this.store = store;
        this.configs = configs;
        this.orchestrator = orchestrator;
    }

    /** The backup config of a node: its own, else the database's. */
    public Optional<BackupConfigSpec> backupConfig(DatabaseSpec spec, String nodeName) {
        return spec.node(nodeName).flatMap(DatabaseNodeSpec::backupConfig).or(spec::backupConfig);
    }

    /** "Find node primary": the instance Patroni says is the node's primary right now. */
    public InstanceSpec primary(String databaseId, String nodeName) {
        return configs.nodePrimary(databaseId, nodeName)
                .orElseThrow(() -> new TransientException("node " + nodeName + " has no primary right now"));
    }

    /**
     * "Create pgBackRest stanza": {@code stanza-create} (a no-op when the stanza exists for this cluster)
     * and {@code check} (pushes a WAL segment and finds it in every repository) on the node's primary,
     * which must run on this host.
     */
    public String createStanza(String databaseId, String nodeName, String thisHost, Consumer<String> log) {
        DatabaseSpec spec = spec(databaseId);
        if (spec.node(nodeName).isEmpty()) {
            return "node " + nodeName + " is no longer in the spec";
        }
        if (backupConfig(spec, nodeName).isEmpty()) {
            return "no backups configured for node " + nodeName;
        }
        InstanceSpec primary = primary(databaseId, nodeName);
        if (!primary.hostId().equals(thisHost)) {
            throw new TransientException("the primary of node " + nodeName + " moved to host " + primary.hostId()
                    + "; run the operation again to create the stanza there");
        }
        OutputRedactor redactor = redactor(spec);
        for (List<String> command : List.of(PgBackRestCommands.stanzaCreate(PgBackRestPaths.BACKUP_CONFIG),
                PgBackRestCommands.check(PgBackRestPaths.BACKUP_CONFIG))) {
            ExecResult result = run(primary, command, STANZA_TIMEOUT, redactor, log);
            if (!result.succeeded()) {
                throw failure(command, result, redactor);
            }
        }
        return "stanza db of node " + nodeName + " is ready in " + backupConfig(spec, nodeName).get().repositories().size()
                + " repositories";
    }

    /** What a backup step found or did. */
    public record BackupOutcome(boolean primaryMoved, String labelOrNull, String message) {
    }

    /**
     * "Run pgBackRest backup" on {@code instanceId} (on this host): nothing when a set of this task exists
     * already (a rerun after a crash); {@code primaryMoved} when the instance is no longer the primary,
     * so the process looks for the primary again. The instance is {@code backing_up} meanwhile.
     */
    public BackupOutcome backup(String databaseId, String nodeName, String instanceId, String taskId, String type,
                                Map<String, String> annotations, Map<String, String> options, Consumer<String> log) {
        DatabaseSpec spec = spec(databaseId);
        if (backupConfig(spec, nodeName).isEmpty()) {
            throw new OperationFailedException("backups are not configured for node " + nodeName + " any more");
        }
        InstanceSpec instance = store.instanceSpec(databaseId, instanceId)
                .orElseThrow(() -> new OperationFailedException("instance " + instanceId + " no longer exists"));
        var status = configs.patroniClient(instance).status();
        if (status.isEmpty() || status.get().role() != MemberRole.PRIMARY) {
            return new BackupOutcome(true, null, "instance " + instanceId + " is not the primary of node " + nodeName
                    + " any more");
        }
        OutputRedactor redactor = redactor(spec);
        Optional<BackupSet> taken = info(instance, redactor).backups().stream()
                .filter(b -> taskId.equals(b.annotations().get(TASK_ANNOTATION))).findFirst();
        if (taken.isPresent()) {
            return new BackupOutcome(false, taken.get().label(), "backup " + taken.get().label()
                    + " of this task exists already");
        }
        Map<String, String> all = new LinkedHashMap<>(annotations);
        all.put(TASK_ANNOTATION, taskId);
        List<String> command = PgBackRestCommands.backup(PgBackRestPaths.BACKUP_CONFIG, type, all, options);
        store.updateInstance(databaseId, instanceId, r -> r.withState(InstanceState.BACKING_UP, null, Instant.now()));
        ExecResult result;
        try {
            result = run(instance, command, BACKUP_TIMEOUT, redactor, log);
        } finally {
            store.updateInstance(databaseId, instanceId, r -> r.state() == InstanceState.BACKING_UP
                    ? r.withState(InstanceState.AVAILABLE, null, Instant.now()) : r);
        }
        if (!result.succeeded()) {
            if (result.tail().contains("[050]")) {
                // another backup or expire holds the stanza's lock: it ends by itself
                throw new TransientException("another pgBackRest command holds the lock of node " + nodeName + ": "
                        + redactor.redact(lastLine(result)));
            }
            throw failure(command, result, redactor);
        }
        String label = info(instance, redactor).backups().stream()
                .filter(b -> taskId.equals(b.annotations().get(TASK_ANNOTATION))).map(BackupSet::label).findFirst()
                .orElseThrow(() -> new PermanentException("pgBackRest reported success but no backup set carries the"
                        + " task's annotation"));
        return new BackupOutcome(false, label, type + " backup " + label + " of node " + nodeName + " taken on "
                + instanceId);
    }

    /**
     * What {@code pgbackrest info} reports for a node, read inside one of its instances on this host (any
     * of them: they share the repositories).
     */
    public BackupInfo info(String databaseId, String nodeName, String thisHost) {
        DatabaseSpec spec = spec(databaseId);
        InstanceSpec instance = store.instanceSpec(databaseId, InstanceIds.instanceId(databaseId, nodeName, thisHost))
                .orElseThrow(() -> new PermanentException("node " + nodeName + " has no instance on host " + thisHost));
        return info(instance, redactor(spec));
    }

    private BackupInfo info(InstanceSpec instance, OutputRedactor redactor) {
        List<String> lines = new ArrayList<>();
        List<String> command = PgBackRestCommands.info(PgBackRestPaths.BACKUP_CONFIG);
        ExecResult result = orchestrator.exec(InstanceIds.serviceName(instance.instanceId()), command, INFO_TIMEOUT,
                lines::add);
        if (!result.succeeded()) {
            throw failure(command, result, redactor);
        }
        try {
            return BackupInfo.parse(String.join("\n", lines));
        } catch (IllegalArgumentException e) {
            throw new PermanentException(e.getMessage() + ": " + redactor.redact(result.tail()));
        }
    }

    private ExecResult run(InstanceSpec instance, List<String> command, Duration timeout, OutputRedactor redactor,
                           Consumer<String> log) {
        return orchestrator.exec(InstanceIds.serviceName(instance.instanceId()), command, timeout,
                line -> log.accept(redactor.redact(line)));
    }

    private DatabaseSpec spec(String databaseId) {
        return store.spec(databaseId)
                .orElseThrow(() -> new OperationFailedException("database " + databaseId + " does not exist any more"));
    }

    /** Every key of every repository of the spec, to mask in output. */
    static OutputRedactor redactor(DatabaseSpec spec) {
        List<String> secrets = new ArrayList<>();
        List<RepositorySpec> repositories = new ArrayList<>();
        spec.backupConfig().ifPresent(b -> repositories.addAll(b.repositories()));
        spec.restoreConfig().ifPresent(r -> repositories.add(r.repository()));
        for (DatabaseNodeSpec n : spec.nodes()) {
            n.backupConfig().ifPresent(b -> repositories.addAll(b.repositories()));
            n.restoreConfig().ifPresent(r -> repositories.add(r.repository()));
        }
        for (RepositorySpec r : repositories) {
            r.s3Key().ifPresent(secrets::add);
            r.s3KeySecret().ifPresent(secrets::add);
            r.gcsKey().ifPresent(secrets::add);
            r.azureKey().ifPresent(secrets::add);
            r.customOptions().forEach((k, v) -> {
                if (RepositoryLocation.SECURE_CUSTOM_OPTIONS.contains(k)) {
                    secrets.add(v);
                }
            });
        }
        return new OutputRedactor(secrets);
    }

    /**
     * pgBackRest refused: its error (the last line) with the exit code. Errors of the repository or the
     * stanza need a person (a wrong key, a missing bucket, a stanza of another cluster), so they end the
     * step in an incident; a transient cause (a lock) is told apart by the caller.
     */
    private static PermanentException failure(List<String> command, ExecResult result, OutputRedactor redactor) {
        return new PermanentException("pgbackrest " + command.get(command.size() - 1) + " failed (exit "
                + result.exitCode() + "): " + redactor.redact(lastLine(result)));
    }

    private static String lastLine(ExecResult result) {
        for (int i = result.lastLines().size() - 1; i >= 0; i--) {
            String line = result.lastLines().get(i);
            if (line.contains("ERROR")) {
                return line.trim();
            }
        }
        return result.lastLines().isEmpty() ? "no output" : result.lastLines().get(result.lastLines().size() - 1).trim();
    }
}
