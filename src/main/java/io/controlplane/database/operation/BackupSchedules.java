package io.controlplane.database.operation;

import io.controlplane.database.spec.BackupScheduleSpec;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.scheduling.support.CronExpression;

/**
 * The backup schedules of a spec (reference §3.4): one per node and {@code schedules} entry of the node's
 * backup config (its own, else the database's), and when a standard 5-field cron expression fires next,
 * in UTC. Pure.
 */
public final class BackupSchedules {

    private static final Set<String> ANY = Set.of("*", "?");

    private BackupSchedules() {
    }

    /** One schedule of one node; equal schedules need no new waiting process. */
    public record Schedule(String databaseId, String nodeName, String id, String type, String cronExpression) {
    }

    public static List<Schedule> of(String databaseId, DatabaseSpec spec) {
        List<Schedule> all = new ArrayList<>();
        for (DatabaseNodeSpec node : spec.nodes()) {
            node.backupConfig().or(spec::backupConfig).ifPresent(b -> {
                for (BackupScheduleSpec s : b.schedules()) {
                    all.add(new Schedule(databaseId, node.name(), s.id(), s.type(), s.cronExpression().trim()));
                }
            });
        }
        return all;
    }

    /**
     * The first time after {@code after} (to the minute) that the expression matches. As in standard cron,
     * when both day of month and day of week are restricted, a day matching either fires.
     */
    public static Instant nextFire(String cronExpression, Instant after) {
        String[] f = cronExpression.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("expected 5 fields: " + cronExpression);
        }
        ZonedDateTime from = after.atZone(ZoneOffset.UTC);
        if (!ANY.contains(f[2]) && !ANY.contains(f[4])) {
            ZonedDateTime byDay = next(f[0], f[1], f[2], f[3], "*", from);
            ZonedDateTime byWeekday = next(f[0], f[1], "*", f[3], f[4], from);
            return (byDay.isBefore(byWeekday) ? byDay : byWeekday).toInstant();
        }
        return next(f[0], f[1], f[2], f[3], f[4], from).toInstant();
    }

    private static ZonedDateTime next(String minute, String hour, String day, String month, String weekday,
                                      ZonedDateTime from) {
        ZonedDateTime next = CronExpression.parse(String.join(" ", "0", minute, hour, day, month, weekday)).next(from);
        if (next == null) {
            throw new IllegalArgumentException("the cron expression never fires");
        }
        return next;
    }
}
