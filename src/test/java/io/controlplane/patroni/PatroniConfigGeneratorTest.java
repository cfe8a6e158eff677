package io.controlplane.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Golden files for the generated {@code patroni.yaml}. Regenerate with
 * {@code mvn -o -q test -Dtest=PatroniConfigGeneratorTest -Dgolden.update=true} and review the diff.
 */
class PatroniConfigGeneratorTest {

    private static final Path GOLDEN = Path.of("src/test/resources/patroni/golden");
    private static final long GIB = 1L << 30;

    private final PatroniConfigGenerator generator = new PatroniConfigGenerator();

    static PatroniInstanceConfig singleNode() {
        return new PatroniInstanceConfig("storefront", null, "n1", 1, "storefront-n1-host-1", "15",
                "10.0.0.1", 6432, 8888, List.of("10.0.0.1:2379"), "instance-storefront-n1-host-1",
                "etcd-secret", "super-secret", "repl-secret", 1, 1, 4 * GIB, 2, Map.of(), List.of(), List.of(),
                List.of("10.0.0.1"));
    }

    static PatroniInstanceConfig threeHostReplica() {
        return new PatroniInstanceConfig("storefront", "acme", "n2", 2, "storefront-n2-host-3", "15",
                "10.0.0.3", 6433, 8889, List.of("10.0.0.1:2379", "10.0.0.2:2379", "10.0.0.3:2379"),
                "instance-storefront-n2-host-3", "etcd-secret", "super-secret", "repl-secret", 2, 3, 64 * GIB, 16,
                Map.of(), List.of(), List.of(), List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "fd00::3"));
    }

    static PatroniInstanceConfig userSettings() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("max_connections", "1000");          // DCS-controlled
        conf.put("work_mem", "64MB");                 // local
        conf.put("shared_preload_libraries", "pg_stat_statements,pglogical,auto_explain");
        return new PatroniInstanceConfig("storefront", null, "n1", 1, "storefront-n1-host-1", "15",
                "10.0.0.1", 6432, 8888, List.of("10.0.0.1:2379"), "instance-storefront-n1-host-1",
                "etcd-secret", "super-secret", "repl-secret", 2, 1, 4 * GIB, 2, conf,
                List.of("host app_db app_user 192.168.1.0/24 scram-sha-256", "hostssl all all 0.0.0.0/0 cert map=certs"),
                List.of("certs app-client app_user", "certs /^(.*)@acme\\.com$ \\1"),
                List.of("10.0.0.1", "10.0.0.2"));
    }

    @Test
    void rendersMinimalSingleNodeInstance() throws IOException {
        assertGolden("minimal_single_node.yaml", generator.render(singleNode()));
    }

    @Test
    void rendersReplicaOfThreeHostNodeWithoutFailsafe() throws IOException {
        String yaml = generator.render(threeHostReplica());
        assertGolden("three_host_replica.yaml", yaml);
        Map<String, Object> dcs = section(yaml, "bootstrap", "dcs");
        assertThat(dcs.get("failsafe_mode")).isEqualTo(false);
    }

    @Test
    void rendersUserSettingsAndHbaAndIdentEntries() throws IOException {
        assertGolden("user_settings.yaml", generator.render(userSettings()));
    }

    @Test
    void singleHostNodeUsesFailsafeMode() {
        Map<String, Object> dcs = section(generator.render(singleNode()), "bootstrap", "dcs");
        assertThat(dcs.get("failsafe_mode")).isEqualTo(true);
    }

    @Test
    void userSettingsOverrideDcsAndLocalDefaultsInTheRightSection() {
        PatroniInstanceConfig cfg = userSettings();
        assertThat(generator.dcsParameters(cfg)).containsEntry("max_connections", "1000")
                .doesNotContainKeys("work_mem", "shared_preload_libraries");
        assertThat(generator.localParameters(cfg))
                .containsEntry("work_mem", "64MB")
                .containsEntry("shared_preload_libraries", "pg_stat_statements,pglogical,auto_explain")
                .doesNotContainKey("max_connections");
    }

    @Test
    void spockInPreloadLibrariesOfAPgEdgeSpecLoadsPglogical() {
        Map<String, String> conf = Map.of("shared_preload_libraries", "pg_stat_statements, 'spock'");
        PatroniInstanceConfig cfg = new PatroniInstanceConfig("storefront", null, "n1", 1, "storefront-n1-host-1",
                "15", "10.0.0.1", 6432, 8888, List.of("10.0.0.1:2379"), "instance-storefront-n1-host-1",
                "etcd-secret", "super-secret", "repl-secret", 1, 1, 4 * GIB, 2, conf, List.of(), List.of(),
                List.of("10.0.0.1"));

        assertThat(generator.localParameters(cfg)).containsEntry("shared_preload_libraries",
                "pg_stat_statements,pglogical");
        assertThat(PatroniConfigGenerator.withReplicationLibrary("spock,pglogical,auto_explain"))
                .isEqualTo("pglogical,auto_explain");
    }

    @Test
    void dcsAndLocalParametersAreDisjointAndDcsHoldsOnlyPatroniControlledNames() {
        PatroniInstanceConfig cfg = singleNode();
        assertThat(PatroniConfigGenerator.DCS_CONTROLLED).containsAll(generator.dcsParameters(cfg).keySet());
        assertThat(generator.localParameters(cfg).keySet())
                .doesNotContainAnyElementsOf(PatroniConfigGenerator.DCS_CONTROLLED);
        assertThat(generator.dcsParameters(cfg)).containsEntry("wal_level", "logical")
                .containsEntry("track_commit_timestamp", "on").containsEntry("max_wal_senders", "16");
        assertThat(generator.localParameters(cfg)).containsEntry("logging_collector", "off")
                .containsEntry("shared_preload_libraries", "pg_stat_statements,pglogical")
                .doesNotContainKeys("ssl", "spock.conflict_resolution");
    }

    @Test
    void ambiguousScalarsStayStringsWhenParsedBack() {
        String yaml = generator.render(singleNode());
        Map<String, Object> params = section(yaml, "postgresql", "parameters");
        assertThat(params.get("archive_mode")).isEqualTo("on");
        assertThat(params.get("logging_collector")).isEqualTo("off");
        assertThat(params.get("checkpoint_completion_target")).isEqualTo("0.9");
        assertThat(section(yaml, "watchdog").get("mode")).isEqualTo("off");
        assertThat(section(yaml, "bootstrap", "dcs", "postgresql", "parameters").get("max_connections"))
                .isEqualTo("450");
    }

    @Test
    void restApiAllowlistHasHostsMappedAddressesAndLoopback() {
        assertThat(PatroniConfigGenerator.allowlist(threeHostReplica())).containsExactly(
                "10.0.0.1", "::ffff:10.0.0.1", "10.0.0.2", "::ffff:10.0.0.2", "10.0.0.3", "::ffff:10.0.0.3",
                "fd00::3", "127.0.0.1", "::ffff:127.0.0.1", "::1");
    }

    @Test
    void passwordsNeverAppearInToString() {
        String text = threeHostReplica().toString();
        assertThat(text).doesNotContain("super-secret", "repl-secret", "etcd-secret");
    }

    @Test
    void backupsArchiveWithPgBackRestAndANodeFromABackupBootstrapsWithItsRestore() throws IOException {
        PatroniInstanceConfig cfg = singleNode().withPgBackRest(
                "pgbackrest --config=/opt/controlplane/configs/pgbackrest.backup.conf --stanza=db archive-push \"%p\"",
                "/bin/sh /opt/controlplane/configs/pgbackrest-restore.sh");
        String yaml = generator.render(cfg);

        assertGolden("backups_and_restore.yaml", yaml);
        assertThat(section(yaml, "postgresql", "parameters")).containsEntry("archive_mode", "on")
                .containsEntry("archive_command", cfg.archiveCommandOrNull());
        Map<String, Object> bootstrap = section(yaml, "bootstrap");
        assertThat(bootstrap.get("method")).isEqualTo("restore");
        assertThat(section(yaml, "bootstrap", "restore")).containsEntry("keep_existing_recovery_conf", true)
                .containsEntry("no_params", true).containsEntry("command", cfg.restoreCommandOrNull());
        // without backups nothing is archived and initdb bootstraps
        assertThat(section(generator.render(singleNode()), "postgresql", "parameters"))
                .containsEntry("archive_command", "/bin/true");
        assertThat(section(generator.render(singleNode()), "bootstrap")).doesNotContainKeys("method", "restore");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(String yaml, String... path) {
        Map<String, Object> node = new Yaml().load(yaml);
        for (String key : path) {
            node = (Map<String, Object>) node.get(key);
        }
        return node;
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file %s (regenerate with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
