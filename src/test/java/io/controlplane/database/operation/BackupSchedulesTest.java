package io.controlplane.database.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackupSchedulesTest {

    @Test
    void everyMinuteFiresAtTheNextWholeMinute() {
        assertThat(BackupSchedules.nextFire("* * * * *", Instant.parse("2026-11-30T13:35:15Z")))
                .isEqualTo(Instant.parse("2026-11-30T13:36:00Z"));
        assertThat(BackupSchedules.nextFire("* * * * *", Instant.parse("2026-11-30T13:36:00Z")))
                .isEqualTo(Instant.parse("2026-11-30T13:37:00Z"));
    }

    @Test
    void dailyAtTwoIsInUtc() {
        assertThat(BackupSchedules.nextFire("0 2 * * *", Instant.parse("2026-11-30T13:35:15Z")))
                .isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
    }

    @Test
    void dayOfMonthOrDayOfWeekFiresOnEitherAsCronDoes() {
        // the 1st of the month or a Monday: Monday 2026-11-30 comes first
        assertThat(BackupSchedules.nextFire("0 3 1 * 1", Instant.parse("2026-11-29T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-30T03:00:00Z"));
    }

    @Test
    void aChangedExpressionOrTypeIsAnotherScheduleInstance() {
        var a = new BackupSchedules.Schedule("db", "n1", "nightly", "full", "0 2 * * *");
        var b = new BackupSchedules.Schedule("db", "n1", "nightly", "full", "0 3 * * *");
        var c = new BackupSchedules.Schedule("db", "n1", "nightly", "incr", "0 2 * * *");
        assertThat(ScheduledBackups.businessKey(a)).startsWith("backup-schedule:db:n1:nightly:")
                .isNotEqualTo(ScheduledBackups.businessKey(b)).isNotEqualTo(ScheduledBackups.businessKey(c))
                .isEqualTo(ScheduledBackups.businessKey(new BackupSchedules.Schedule("db", "n1", "nightly", "full",
                        "0 2 * * *")));
    }
}
