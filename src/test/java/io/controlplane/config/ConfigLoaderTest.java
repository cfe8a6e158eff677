package io.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Map<String, String> env(String... kv) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        m.put("CONTROL_PLANE_DATA_DIR", dir.toString());
        m.put("CONTROL_PLANE_PEER_ADDRESSES", "127.0.0.1");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsApplyWhenOnlyTheDataDirIsSet() {
        ControlPlaneConfig c = ConfigLoader.load(new String[0], env("CONTROL_PLANE_HOST_ID", "h1")).config();
        assertThat(c.http().port()).isEqualTo(3000);
        assertThat(c.http().bindAddr()).isEqualTo("0.0.0.0");
        assertThat(c.engine().datasourceUrl()).isEqualTo("jdbc:h2:file:" + dir.resolve("engine/camunda")
                + ";DB_CLOSE_ON_EXIT=FALSE");
        assertThat(c.etcd().mode()).isEqualTo("server");
        assertThat(c.etcd().clientPort()).isEqualTo(2379);
        assertThat(c.etcd().peerPort()).isEqualTo(2380);
        assertThat(c.logging().level()).isEqualTo("info");
        assertThat(c.clientAddresses()).containsExactly("127.0.0.1");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsFileWhichBeatsGeneratedConfig() throws IOException {
        GeneratedConfig.update(dir.resolve("generated.config.json"),
                Map.of("http.port", 3001, "logging.level", "debug", "etcd_mode", "client", "host_id", "gen"));
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"http\":{\"port\":3002},\"logging\":{\"level\":\"warn\"},\"host_id\":\"file\"}");
        ControlPlaneConfig c = ConfigLoader.load(
                new String[]{"run", "--config-path", file.toString(), "--http.port=3004"},
                env("CONTROL_PLANE_HTTP__PORT", "3003", "CONTROL_PLANE_HOST_ID", "env")).config();
        assertThat(c.http().port()).isEqualTo(3004);
        assertThat(c.hostId()).isEqualTo("env");
        assertThat(c.logging().level()).isEqualTo("warn");
        assertThat(c.etcd().mode()).isEqualTo("client");
    }

    @Test
    void nestedEnvironmentVariablesUseDoubleUnderscores() {
        ControlPlaneConfig c = ConfigLoader.load(new String[0], env("CONTROL_PLANE_HOST_ID", "h1",
                "CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT", "23790",
                "CONTROL_PLANE_ENGINE__DATASOURCE__URL", "jdbc:postgresql://127.0.0.1:5433/cp",
                "CONTROL_PLANE_PEER_ADDRESSES", "127.0.0.1,host-a.internal")).config();
        assertThat(c.etcd().clientPort()).isEqualTo(23790);
        assertThat(c.engine().datasourceUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/cp");
        assertThat(c.peerAddresses()).containsExactly("127.0.0.1", "host-a.internal");
    }

    @Test
    void missingDataDirIsOneLineNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[0], Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("data_dir: required");
    }

    @Test
    void badPortNamesTheKeyAndTheSource() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[0], env("CONTROL_PLANE_HTTP__PORT", "abc")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("http.port: must be an integer between 1 and 65535 (got \"abc\" from environment variable"
                        + " CONTROL_PLANE_HTTP__PORT)");
    }

    @Test
    void badHostIdIsRejectedWithTheIdentifierRule() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[0], env("CONTROL_PLANE_HOST_ID", "Host_1")))
                .hasMessageStartingWith("host_id: valid IDs must be 1-36 characters long");
    }

    @Test
    void unknownKeyInTheFileIsAnError() throws IOException {
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{\"http\":{\"prot\":3000}}");
        assertThatThrownBy(() -> ConfigLoader.load(new String[]{"-c", file.toString()}, env()))
                .hasMessage("http.prot: unknown key in config file " + file);
    }

    @Test
    void unknownFlagIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[]{"--nope=1"}, env()))
                .hasMessage("unknown flag --nope");
    }

    @Test
    void unknownEnvironmentVariableIsOnlyAWarning() {
        ConfigLoader.Result r = ConfigLoader.load(new String[0], env("CONTROL_PLANE_HOST_ID", "h1",
                "CONTROL_PLANE_NOPE", "x"));
        assertThat(r.warnings()).containsExactly(
                "ignoring environment variable CONTROL_PLANE_NOPE: no configuration key nope");
    }

    @Test
    void secretsAreNotEchoedInErrors() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[]{"--data-dir", dir.toString(),
                "--peer-addresses", "127.0.0.1"},
                Map.of("CONTROL_PLANE_DATA_DIR", dir.toString(), "CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT", "2379",
                        "CONTROL_PLANE_ETCD_SERVER__PEER_PORT", "2379")))
                .hasMessageContaining("etcd_server.peer_port");
        assertThatThrownBy(() -> new Setting("engine.admin_password", Setting.Kind.SECRET, "", java.util.List.of())
                .convert(42, "flag --engine.admin_password"))
                .hasMessageNotContaining("42").hasMessageContaining("<hidden>");
    }

    @Test
    void generatedConfigIsWrittenWithOwnerOnlyPermissions() throws IOException {
        Path file = dir.resolve("generated.config.json");
        GeneratedConfig.update(file, Map.of("engine.admin_password", "s3cret"));
        GeneratedConfig.update(file, Map.of("etcd_username", "host-h1"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(GeneratedConfig.read(file)).containsEntry("engine.admin_password", "s3cret")
                .containsEntry("etcd_username", "host-h1");
    }

    @Test
    void adminPasswordIsGeneratedOnceAndKept() {
        ControlPlaneConfig c = ConfigLoader.load(new String[0], env("CONTROL_PLANE_HOST_ID", "h1")).config();
        ControlPlaneConfig first = EngineAdmin.ensurePassword(c);
        assertThat(first.engine().adminPassword()).hasSizeGreaterThanOrEqualTo(20);
        ControlPlaneConfig reloaded = ConfigLoader.load(new String[0], env("CONTROL_PLANE_HOST_ID", "h1")).config();
        assertThat(reloaded.engine().adminPassword()).isEqualTo(first.engine().adminPassword());
        assertThat(EngineAdmin.ensurePassword(reloaded)).isEqualTo(reloaded);
        assertThat(reloaded.engine().toString()).doesNotContain(first.engine().adminPassword());
    }
}
