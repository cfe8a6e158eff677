package io.controlplane.database.operation;

import io.controlplane.cluster.ClusterService;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.etcd.EtcdConflictException;
import io.controlplane.task.Task;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Backup schedules (reference §3.4): which ones the specs ask for, and what one tick of a schedule does.
 * Each schedule is one waiting {@code backup-schedule} process instance whose timer fires on the engine's
 * job executor (any host, once, from the shared engine database), so a schedule survives the loss of the
 * host that started it. A tick is claimed in etcd before it starts a backup, so a retried step never
 * starts a second one for the same fire time.
 */
@Service
public class ScheduledBackups {

    private static final String RUNS = "/backup_schedule_runs/";
    private static final String STARTS = "/backup_schedule_starts/";
    private static final String KEY_PREFIX = "backup-schedule:";

    private final DatabaseStore store;
    private final ClusterService cluster;
    /** Looked up when a tick fires: the step worker, which runs the ticks, is itself needed to start operations. */
    private final ObjectProvider<BackupRequests> requests;

    public ScheduledBackups(DatabaseStore store, ClusterService cluster, ObjectProvider<BackupRequests> requests) {
        this.store = store;
        this.cluster = cluster;
        this.requests = requests;
    }

    /** Every schedule of every database that is not being deleted. */
    public List<BackupSchedules.Schedule> desired() {
        List<BackupSchedules.Schedule> all = new ArrayList<>();
        for (DatabaseRecord r : store.records()) {
            if (r.state() == DatabaseState.DELETING) {
                continue;
            }
            store.spec(r.id()).ifPresent(spec -> all.addAll(BackupSchedules.of(r.id(), spec)));
        }
        return all;
    }

    /** The business key of a schedule's process instance; a changed expression or type is a new schedule. */
    public static String businessKey(BackupSchedules.Schedule s) {
        return KEY_PREFIX + s.databaseId() + ":" + s.nodeName() + ":" + s.id() + ":"
                + sha1(s.type() + " " + s.cronExpression()).substring(0, 8);
    }

    /**
     * Whether a schedule key is one {@link #businessKey} made, from a spec; an instance an operator started
     * with a key of their own is theirs, and ends by itself at a tick that finds no such schedule in the spec.
     */
    public static boolean fromSpec(String scheduleKey) {
        return scheduleKey.startsWith(KEY_PREFIX);
    }

    /**
     * Claims the start of a schedule's instance for this host, so that two hosts reconciling at the same
     * moment start one; a claim older than {@code staleAfterSeconds} (its starter died) can be taken over.
     */
    public boolean claimStart(String businessKey, long staleAfterSeconds) {
        String key = STARTS + businessKey;
        var current = cluster.store().get(key);
        try {
            if (current.isEmpty()) {
                cluster.store().transaction().requireAbsent(key).put(key, Instant.now().toString()).commit();
                return true;
            }
            if (Instant.parse(current.get().value()).isAfter(Instant.now().minusSeconds(staleAfterSeconds))) {
                return false;
            }
            cluster.store().transaction().requireModRevision(key, current.get().modRevision())
                    .put(key, Instant.now().toString()).commit();
            return true;
        } catch (EtcdConflictException e) {
            return false;
        }
    }

    public void releaseStart(String businessKey) {
        cluster.store().delete(STARTS + businessKey);
    }

    static String runsPrefix(String databaseId) {
        return RUNS + databaseId + "/";
    }

    /** The first fire time after {@code after}, as the timer reads it. */
    public static String nextFire(String cronExpression, Instant after) {
        return BackupSchedules.nextFire(cronExpression, after).toString();
    }

    /** What one tick did: whether the schedule is gone, when it fires next, what to log. */
    public record Tick(boolean removed, String nextFire, String message) {
    }

    /**
     * "Start scheduled backup": a backup-node operation for this fire time unless one was started already
     * (or the database is busy: that tick is skipped), and the next fire time. A schedule that is no longer
     * in the spec, or whose expression or type changed (its replacement is another instance), ends.
     */
    public Tick tick(String databaseId, String nodeName, String scheduleId, String type, String cronExpression,
                     String fireTime) {
        Optional<BackupSchedules.Schedule> current = store.spec(databaseId)
                .flatMap(spec -> BackupSchedules.of(databaseId, spec).stream()
                        .filter(s -> s.nodeName().equals(nodeName) && s.id().equals(scheduleId)).findFirst());
        if (current.isEmpty() || !current.get().type().equals(type)
                || !current.get().cronExpression().equals(cronExpression)) {
            return new Tick(true, fireTime, "schedule " + scheduleId + " of node " + nodeName
                    + " is no longer in the spec as it was; this instance ends");
        }
        String next = nextFire(cronExpression, Instant.now().isAfter(Instant.parse(fireTime)) ? Instant.now()
                : Instant.parse(fireTime));
        String runKey = RUNS + databaseId + "/" + nodeName + "/" + scheduleId;
        var last = cluster.store().get(runKey);
        if (last.isPresent() && last.get().value().startsWith(fireTime + " ")) {
            return new Tick(false, next, "the backup of " + fireTime + " was started already: "
                    + last.get().value().substring(fireTime.length() + 1));
        }
        DatabaseState state = store.record(databaseId).map(DatabaseRecord::state).orElse(DatabaseState.DELETING);
        if (!state.modifiable()) {
            return new Tick(false, next, "skipped the backup of " + fireTime + ": the database is " + state.wireName());
        }
        try {
            var tx = cluster.store().transaction();
            tx = last.isPresent() ? tx.requireModRevision(runKey, last.get().modRevision()) : tx.requireAbsent(runKey);
            tx.put(runKey, fireTime + " starting").commit();
        } catch (EtcdConflictException e) {
            return new Tick(false, next, "another host started the backup of " + fireTime);
        }
        Task task = requests.getObject().scheduledBackup(databaseId, nodeName, type, scheduleId, fireTime);
        cluster.store().put(runKey, fireTime + " task " + task.getTaskId());
        return new Tick(false, next, "started " + type + " backup task " + task.getTaskId() + " of node " + nodeName
                + " for " + fireTime + "; next at " + next);
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
