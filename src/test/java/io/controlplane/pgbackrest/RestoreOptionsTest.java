package io.controlplane.pgbackrest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreOptionsTest {

    @Test
    void immediateRestoreOfASetPromotesAndInPlaceAddsDelta() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("set", "20261130-123051F");
        options.put("type", "immediate");

        assertThat(RestoreOptions.problems(options)).isEmpty();
        assertThat(RestoreOptions.arguments(options, true))
                .containsExactly("--type=immediate", "--target-action=promote", "--delta", "--set=20261130-123051F");
    }

    @Test
    void rfc3339TimeBecomesPgBackRestsOwnFormatInUtc() {
        assertThat(RestoreOptions.arguments(Map.of("type", "time", "target", "2025-01-01T03:30:00.25+02:00"), false))
                .containsExactly("--type=time", "--target=2025-01-01 01:30:00.250000+00", "--target-action=promote");
        assertThat(RestoreOptions.arguments(Map.of("type", "time", "target", "2025-01-01 01:30:00+00"), false))
                .contains("--target=2025-01-01 01:30:00+00");
    }

    @Test
    void theDefaultTypeReplaysAllWalWithoutATargetAction() {
        assertThat(RestoreOptions.problems(Map.of())).isEmpty();
        assertThat(RestoreOptions.arguments(Map.of(), false)).isEmpty();
        assertThat(RestoreOptions.arguments(Map.of(), true)).containsExactly("--delta");
    }

    @Test
    void lsnAndXidTargetsAreChecked() {
        assertThat(RestoreOptions.problems(Map.of("type", "lsn", "target", "0/B026228"))).isEmpty();
        assertThat(RestoreOptions.problems(Map.of("type", "xid", "target", "749"))).isEmpty();
        assertThat(RestoreOptions.problems(Map.of("type", "lsn", "target", "B026228"))).containsOnlyKeys("target");
        assertThat(RestoreOptions.problems(Map.of("type", "xid", "target", "abc"))).containsOnlyKeys("target");
    }

    @Test
    void refusesTypesThatLeaveNoPrimaryMissingTargetsAndReservedOptions() {
        assertThat(RestoreOptions.problems(Map.of("type", "standby"))).containsOnlyKeys("type");
        assertThat(RestoreOptions.problems(Map.of("type", "time"))).containsEntry("target", "is required for type time");
        assertThat(RestoreOptions.problems(Map.of("type", "time", "target", "yesterday"))).containsOnlyKeys("target");
        assertThat(RestoreOptions.problems(Map.of("type", "immediate", "target", "0/1"))).containsOnlyKeys("target");
        assertThat(RestoreOptions.problems(Map.of("target-action", "pause"))).containsOnlyKeys("target-action");
        assertThat(RestoreOptions.problems(Map.of("pg1-path", "/elsewhere", "config", "/x"))).containsOnlyKeys(
                "pg1-path", "config");
        assertThat(RestoreOptions.problems(Map.of("set", "latest"))).containsOnlyKeys("set");
        assertThat(RestoreOptions.problems(Map.of("db-include", "a'b"))).containsOnlyKeys("db-include");
    }
}
