package io.controlplane.delegates;

import io.controlplane.database.operation.ScheduledBackups;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Start scheduled backup": one backup-node operation per tick, then the next fire time. */
@Component
class StartScheduledBackupDelegate implements StepHandler {

    private final ScheduledBackups schedules;

    StartScheduledBackupDelegate(ScheduledBackups schedules) {
        this.schedules = schedules;
    }

    @Override
    public String name() {
        return HandlerNames.START_SCHEDULED_BACKUP;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        ScheduledBackups.Tick tick = schedules.tick(context.databaseId(), context.nodeName(),
                context.requireString(ProcessVariables.SCHEDULE_ID), context.requireString(ProcessVariables.BACKUP_TYPE),
                context.requireString(ProcessVariables.CRON_EXPRESSION),
                context.requireString(ProcessVariables.NEXT_FIRE));
        context.log(tick.message());
        return Map.of(ProcessVariables.NEXT_FIRE, tick.nextFire(), ProcessVariables.SCHEDULE_REMOVED, tick.removed());
    }
}
