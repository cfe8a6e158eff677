package io.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** {@link DatabaseService#derivedState}: reference §5.6. */
class DerivedStateTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static InstanceRecord instance(InstanceState state) {
        return new InstanceRecord("db-n1-abc", "db", "h1", "n1", state, 5432, 8888, NOW, NOW, null);
    }

    private static InstanceStatus status(String patroniState, Instant at) {
        return new InstanceStatus(patroniState, "primary", false, "17.6", null, null, at);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "running, AVAILABLE",
            "streaming, AVAILABLE",
            "stopping, MODIFYING",
            "stopped, MODIFYING",
            "starting, MODIFYING",
            "restarting, MODIFYING",
            "initializing new cluster, MODIFYING",
            "running custom bootstrap script, MODIFYING",
            "creating replica, MODIFYING",
            "stop failed, DEGRADED",
            "crashed, DEGRADED",
            "start failed, DEGRADED",
            "restart failed, DEGRADED",
            "initdb failed, DEGRADED",
            "custom bootstrap failed, DEGRADED",
            "something new, UNKNOWN"})
    void availableInstanceTakesItsStateFromPatroni(String patroniState, InstanceState expected) {
        assertThat(DatabaseService.derivedState(instance(InstanceState.AVAILABLE), status(patroniState, NOW), NOW))
                .isEqualTo(expected);
    }

    @Test
    void availableInstanceWithoutStatusIsUnknown() {
        assertThat(DatabaseService.derivedState(instance(InstanceState.AVAILABLE), null, NOW))
                .isEqualTo(InstanceState.UNKNOWN);
    }

    @Test
    void availableInstanceWhosePatroniDidNotAnswerIsUnknown() {
        assertThat(DatabaseService.derivedState(instance(InstanceState.AVAILABLE), status(null, NOW), NOW))
                .isEqualTo(InstanceState.UNKNOWN);
    }

    @Test
    void staleStatusMakesAnAvailableInstanceUnknown() {
        Instant old = NOW.minus(DatabaseService.STALE_STATUS).minusSeconds(1);
        assertThat(DatabaseService.derivedState(instance(InstanceState.AVAILABLE), status("running", old), NOW))
                .isEqualTo(InstanceState.UNKNOWN);
    }

    @Test
    void statusJustWithinTheStaleLimitStillCounts() {
        Instant recent = NOW.minus(DatabaseService.STALE_STATUS);
        assertThat(DatabaseService.derivedState(instance(InstanceState.AVAILABLE), status("running", recent), NOW))
                .isEqualTo(InstanceState.AVAILABLE);
    }

    @ParameterizedTest
    @EnumSource(value = InstanceState.class, names = "AVAILABLE", mode = EnumSource.Mode.EXCLUDE)
    void storedStateOtherThanAvailableIsShownAsItIs(InstanceState stored) {
        assertThat(DatabaseService.derivedState(instance(stored), status("crashed", NOW), NOW)).isEqualTo(stored);
    }

    // ---- the database (pgEdge PR #461)

    private static DatabaseRecord database(DatabaseState state) {
        return new DatabaseRecord("db", null, state, NOW, NOW, null);
    }

    private static DatabaseDetails.InstanceDetails details(InstanceState stored, InstanceStatus status, Instant updated) {
        InstanceRecord record = new InstanceRecord("db-n1-" + stored.name().toLowerCase(java.util.Locale.ROOT), "db",
                "h1", "n1", stored, 5432, 8888, updated, updated, null);
        return new DatabaseDetails.InstanceDetails(record, DatabaseService.derivedState(record, status, NOW), status,
                java.util.List.of());
    }

    @Test
    void availableDatabaseWithHealthyInstancesIsAvailable() {
        var instances = java.util.List.of(details(InstanceState.AVAILABLE, status("running", NOW), NOW),
                details(InstanceState.AVAILABLE, status("streaming", NOW), NOW));
        assertThat(DatabaseService.derivedDatabaseState(database(DatabaseState.AVAILABLE), instances, NOW))
                .isEqualTo(DatabaseState.AVAILABLE);
    }

    @ParameterizedTest(name = "an instance {0} makes an available database degraded")
    @CsvSource({"crashed", "start failed"})
    void availableDatabaseWithADegradedInstanceIsDegraded(String patroniState) {
        var instances = java.util.List.of(details(InstanceState.AVAILABLE, status("running", NOW), NOW),
                details(InstanceState.AVAILABLE, status(patroniState, NOW), NOW));
        assertThat(DatabaseService.derivedDatabaseState(database(DatabaseState.AVAILABLE), instances, NOW))
                .isEqualTo(DatabaseState.DEGRADED);
    }

    @Test
    void stoppedFailedOrSilentInstancesDegradeTheDatabase() {
        for (var unhealthy : java.util.List.of(details(InstanceState.STOPPED, status("stopped", NOW), NOW),
                details(InstanceState.FAILED, null, NOW),
                details(InstanceState.AVAILABLE, status(null, NOW), NOW),
                details(InstanceState.AVAILABLE, status("running", NOW.minusSeconds(120)), NOW))) {
            var instances = java.util.List.of(details(InstanceState.AVAILABLE, status("running", NOW), NOW), unhealthy);
            assertThat(DatabaseService.derivedDatabaseState(database(DatabaseState.AVAILABLE), instances, NOW))
                    .as(unhealthy.toString()).isEqualTo(DatabaseState.DEGRADED);
        }
    }

    @Test
    void anInstanceTheMonitorHasNotSeenYetDoesNotDegradeButOneLongWithoutStatusDoes() {
        var fresh = java.util.List.of(details(InstanceState.AVAILABLE, null, NOW.minusSeconds(3)));
        assertThat(DatabaseService.derivedDatabaseState(database(DatabaseState.AVAILABLE), fresh, NOW))
                .isEqualTo(DatabaseState.AVAILABLE);
        var forgotten = java.util.List.of(details(InstanceState.AVAILABLE, null, NOW.minusSeconds(300)));
        assertThat(DatabaseService.derivedDatabaseState(database(DatabaseState.AVAILABLE), forgotten, NOW))
                .isEqualTo(DatabaseState.DEGRADED);
    }

    @Test
    void aSwitchingOverInstanceKeepsTheDatabaseAvailable() {
        var instances = java.util.List.of(details(InstanceState.AVAILABLE, status("running", NOW), NOW),
                details(InstanceState.AVAILABLE, status("restarting", NOW), NOW));
        assertThat(DatabaseService.derivedDatabaseState(database(DatabaseState.AVAILABLE), instances, NOW))
                .isEqualTo(DatabaseState.AVAILABLE);
    }

    @ParameterizedTest
    @EnumSource(value = DatabaseState.class, names = "AVAILABLE", mode = EnumSource.Mode.EXCLUDE)
    void aDatabaseThatIsNotAvailableShowsItsStoredState(DatabaseState stored) {
        var instances = java.util.List.of(details(InstanceState.STOPPED, null, NOW));
        assertThat(DatabaseService.derivedDatabaseState(database(stored), instances, NOW)).isEqualTo(stored);
    }

    @Test
    void statusWithPatroniPausedSurvivesTheStoreRoundTrip() {
        InstanceStatus paused = new InstanceStatus("running", "primary", false, "15.18", null, null, NOW, true, null);
        assertThat(DatabaseStore.read(DatabaseStore.write(paused), InstanceStatus.class)).isEqualTo(paused);
        assertThat(DatabaseStore.read("{\"patroni_state\":\"running\",\"updated_at\":\"2026-01-01T12:00:00Z\"}",
                InstanceStatus.class).patroniPaused()).isFalse();
    }

    @Test
    void theMonitorReportsAStoppedInstanceAsStoppedWithoutAnError() {
        InstanceRecord stopped = instance(InstanceState.STOPPED);
        io.controlplane.resource.InstanceSpec spec = new io.controlplane.resource.InstanceSpec("db-n1-abc", "db", null,
                "app", "n1", 1, "h1", true, "15.18", "img", 5432, 8888, null, null, null, null, null, null, null, 1, 1);
        InstanceStatus status = InstanceMonitor.silent(stopped, spec);
        assertThat(status.patroniState()).contains("stopped");
        assertThat(status.error()).isEmpty();
        assertThat(InstanceMonitor.silent(instance(InstanceState.AVAILABLE), spec).error())
                .hasValueSatisfying(e -> assertThat(e).contains("does not answer on port 8888"));
    }
}
