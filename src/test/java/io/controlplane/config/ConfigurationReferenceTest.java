package io.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** docs/configuration.md names every setting the server reads, with the variable that sets it. */
class ConfigurationReferenceTest {

    @Test
    void everySettingHasARowWithItsEnvironmentVariable() throws IOException {
        String doc = Files.readString(Path.of("docs", "configuration.md"));
        for (String key : Settings.ALL.keySet()) {
            String variable = "CONTROL_PLANE_" + key.replace(".", "__").toUpperCase(Locale.ROOT);
            assertThat(doc).as("row of %s in docs/configuration.md", key)
                    .contains("| `" + key + "` | `" + variable + "` |");
        }
    }

    @Test
    void theDocumentedVariableIsTheOneTheLoaderReads() {
        Path dir = Path.of("target", "config-reference");
        ControlPlaneConfig config = ConfigLoader.load(new String[0], java.util.Map.of(
                "CONTROL_PLANE_DATA_DIR", dir.toAbsolutePath().toString(),
                "CONTROL_PLANE_HOST_ID", "doc-check",
                "CONTROL_PLANE_HTTP__PORT", "3999",
                "CONTROL_PLANE_ETCD_CLIENT__ENDPOINTS", "https://127.0.0.1:1,https://127.0.0.1:2",
                "CONTROL_PLANE_STOP_GRACE_PERIOD_SECONDS", "7")).config();
        assertThat(config.http().port()).isEqualTo(3999);
        assertThat(config.etcd().clientEndpoints()).containsExactly("https://127.0.0.1:1", "https://127.0.0.1:2");
        assertThat(config.stopGracePeriodSeconds()).isEqualTo(7);
    }
}
