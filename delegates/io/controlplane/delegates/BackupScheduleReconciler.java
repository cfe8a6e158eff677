package io.controlplane.delegates;

import io.controlplane.cluster.ClusterMembership;
import io.controlplane.database.operation.BackupSchedules;
import io.controlplane.database.operation.ScheduledBackups;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.task.NewTask;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps one waiting {@code backup-schedule} operation per schedule in the specs (variable
 * {@code scheduleKey}, {@link ScheduledBackups#businessKey}): starts the missing ones, cancels those no
 * spec asks for any more (only those with a key made from a spec: see {@link ScheduledBackups#fromSpec}).
 * Runs on every host; an etcd claim lets one host start a given schedule.
 */
@Component
class BackupScheduleReconciler {

    static final String TASK_TYPE = "backup_schedule";
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduleReconciler.class);

    private final ScheduledBackups schedules;
    private final RuntimeService runtime;
    private final OperationRunner runner;
    private final ClusterMembership membership;

    BackupScheduleReconciler(ScheduledBackups schedules, RuntimeService runtime, OperationRunner runner,
                             ClusterMembership membership) {
        this.schedules = schedules;
        this.runtime = runtime;
        this.runner = runner;
        this.membership = membership;
    }

    @Scheduled(initialDelay = 15_000, fixedDelay = 15_000)
    void reconcile() {
        if (!membership.isInitialized()) {
            return;
        }
        try {
            reconcileOnce();
        } catch (RuntimeException e) {
            LOG.warn("backup schedules not reconciled: {}", e.toString());
        }
    }

    void reconcileOnce() {
        Map<String, BackupSchedules.Schedule> desired = new LinkedHashMap<>();
        schedules.desired().forEach(s -> desired.put(ScheduledBackups.businessKey(s), s));
        Map<String, String> running = running();
        desired.forEach((key, s) -> {
            // claimed, then looked for again: another host may have started it since the first look
            if (running.containsKey(key) || !schedules.claimStart(key, 60) || running().containsKey(key)) {
                return;
            }
            runner.start(NewTask.forDatabase(s.databaseId(), TASK_TYPE).withNode(s.nodeName()),
                    ProcessKeys.BACKUP_SCHEDULE, ProcessVariables.backupSchedule(key, s.databaseId(), s.nodeName(),
                            s.id(), s.type(), s.cronExpression(),
                            ScheduledBackups.nextFire(s.cronExpression(), Instant.now())));
            LOG.info("started backup schedule {}", key);
        });
        running.forEach((key, taskId) -> {
            if (!desired.containsKey(key)) {
                runner.cancel(taskId);
                schedules.releaseStart(key);
                LOG.info("canceled backup schedule {} (task {}): no longer in the spec", key, taskId);
            }
        });
    }

    /** scheduleKey → task id of every waiting schedule instance started for a spec's schedule. */
    private Map<String, String> running() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ProcessInstance p : runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.BACKUP_SCHEDULE)
                .list()) {
            Object key = runtime.getVariable(p.getId(), ProcessVariables.SCHEDULE_KEY);
            if (key != null && ScheduledBackups.fromSpec(key.toString())) {
                out.put(key.toString(), p.getBusinessKey());
            }
        }
        return out;
    }
}
