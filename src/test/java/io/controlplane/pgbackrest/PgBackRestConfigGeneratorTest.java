package io.controlplane.pgbackrest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.SpecParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden files for the generated pgBackRest configuration and restore script. Regenerate with
 * {@code mvn -o -q test -Dtest=PgBackRestConfigGeneratorTest -Dgolden.update=true} and review the diff.
 */
class PgBackRestConfigGeneratorTest {

    private static final Path GOLDEN = Path.of("src/test/resources/pgbackrest/golden");
    private static final PgBackRestConfig.Stanza STANZA = new PgBackRestConfig.Stanza(
            "/opt/controlplane/data/pgdata", 6432, "/opt/controlplane/data", "pgedge");

    private final PgBackRestConfigGenerator generator = new PgBackRestConfigGenerator();

    static DatabaseSpec spec(String backupAndRestoreJson) throws IOException {
        String json = "{\"database_name\":\"app\",\"nodes\":[{\"name\":\"n1\",\"host_ids\":[\"host-1\"]}],"
                + backupAndRestoreJson + "}";
        return new SpecParser().parseSpec(new ObjectMapper().readTree(json)).value().orElseThrow();
    }

    @Test
    void rendersPosixBackupConfigWithDefaultRetention() throws IOException {
        DatabaseSpec spec = spec("\"backup_config\":{\"repositories\":[{\"id\":\"local\",\"type\":\"posix\","
                + "\"base_path\":\"/backups\"}]}");
        PgBackRestConfig cfg = PgBackRestConfigs.backup("storefront-n1-689qacsi", "storefront", "n1",
                spec.backupConfig().orElseThrow(), STANZA);

        assertGolden("posix_backup.conf", generator.render(cfg));
        assertThat(cfg.repositories().get(0).path()).isEqualTo("/backups/databases/storefront/local/n1");
    }

    @Test
    void rendersS3AndPosixRepositoriesWithKeysRetentionAndCustomOptions() throws IOException {
        DatabaseSpec spec = spec("\"backup_config\":{\"repositories\":["
                + "{\"id\":\"offsite\",\"type\":\"s3\",\"s3_bucket\":\"pgbackrest\",\"s3_endpoint\":\"127.0.0.1\","
                + "\"s3_key\":\"AKIAEXAMPLE\",\"s3_key_secret\":\"s3-secret-value\",\"retention_full\":2,"
                + "\"retention_full_type\":\"count\",\"base_path\":\"/cp\",\"custom_options\":{\"s3-uri-style\":\"path\","
                + "\"storage-port\":\"47443\",\"cipher-type\":\"aes-256-cbc\",\"cipher-pass\":\"cipher-secret\"}},"
                + "{\"type\":\"posix\",\"base_path\":\"/mnt/backups/\"}]}");
        PgBackRestConfig cfg = PgBackRestConfigs.backup("storefront-n2-abcdefgh", "storefront", "n2",
                spec.backupConfig().orElseThrow(), STANZA);

        assertGolden("s3_and_posix_backup.conf", generator.render(cfg));
    }

    @Test
    void s3WithoutKeysUsesTheInstanceCredentialsAndTheRegionsEndpoint() throws IOException {
        DatabaseSpec spec = spec("\"backup_config\":{\"repositories\":[{\"type\":\"s3\",\"s3_bucket\":\"b\","
                + "\"s3_region\":\"eu-west-1\"}]}");
        String rendered = generator.render(PgBackRestConfigs.backup("db1-n1-x", "db1", "n1",
                spec.backupConfig().orElseThrow(), STANZA));

        assertThat(rendered).contains("repo1-s3-key-type=auto\n", "repo1-s3-endpoint=s3.eu-west-1.amazonaws.com\n",
                "repo1-s3-region=eu-west-1\n", "repo1-path=/databases/db1/n1\n").doesNotContain("s3-key=");
    }

    @Test
    void rendersRestoreConfigReadingTheSourceDatabasesNodePath() throws IOException {
        DatabaseSpec spec = spec("\"restore_config\":{\"source_database_id\":\"storefront\",\"source_node_name\":\"n1\","
                + "\"source_database_name\":\"app\",\"repository\":{\"id\":\"offsite\",\"type\":\"s3\","
                + "\"s3_bucket\":\"pgbackrest\",\"s3_endpoint\":\"127.0.0.1\",\"s3_region\":\"us-east-1\","
                + "\"s3_key\":\"AKIAEXAMPLE\",\"s3_key_secret\":\"s3-secret-value\",\"base_path\":\"/cp\","
                + "\"custom_options\":{\"storage-verify-tls\":\"n\"}},"
                + "\"restore_options\":{\"type\":\"time\",\"target\":\"2025-01-01T01:30:00Z\"}}");
        PgBackRestConfig cfg = PgBackRestConfigs.restore("copy-n1-abcdefgh", spec.restoreConfig().orElseThrow(), STANZA);

        assertGolden("s3_restore.conf", generator.render(cfg));
    }

    @Test
    void rendersTheRestoreBootstrapScript() throws IOException {
        String script = RestoreBootstrap.script("/opt/controlplane/data/pgdata", "/opt/controlplane/data/pgdata.before-restore",
                "/opt/controlplane/configs/pgbackrest.restore.conf", "/opt/controlplane/data/pgbackrest/log",
                RestoreOptions.arguments(java.util.Map.of("type", "time", "target", "2025-01-01T01:30:00Z"), true));

        assertGolden("restore_script.sh", script);
    }

    @Test
    void aValueWithALineBreakIsRefusedRatherThanWritten() {
        PgBackRestConfig cfg = new PgBackRestConfig("i", "/tmp/pgbackrest/i", List.of(new PgBackRestConfig.Repository(
                "", "posix", "/b", java.util.Map.of("cipher-pass", "a\nrepo1-path=/elsewhere"))), STANZA);

        assertThatThrownBy(() -> generator.render(cfg)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("elsewhere");
    }

    @Test
    void toStringShowsNoSecret() throws IOException {
        DatabaseSpec spec = spec("\"backup_config\":{\"repositories\":[{\"type\":\"s3\",\"s3_bucket\":\"b\","
                + "\"s3_key\":\"AKIAEXAMPLE\",\"s3_key_secret\":\"s3-secret-value\"}]}");
        PgBackRestConfig cfg = PgBackRestConfigs.backup("db1-n1-x", "db1", "n1", spec.backupConfig().orElseThrow(), STANZA);

        assertThat(cfg.toString() + cfg.repositories()).doesNotContain("s3-secret-value", "AKIAEXAMPLE");
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
