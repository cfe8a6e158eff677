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
}
