package io.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link InstanceMonitor#version}: Patroni's server_version number as Postgres prints it. */
class InstanceMonitorVersionTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"150018, 15.18", "170006, 17.6", "180000, 18.0", "160004, 16.4"})
    void serverVersionNumberIsMajorDotMinor(int serverVersion, String expected) {
        assertThat(InstanceMonitor.version(serverVersion)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void missingServerVersionIsNoVersion(int serverVersion) {
        assertThat(InstanceMonitor.version(serverVersion)).isNull();
    }
}
