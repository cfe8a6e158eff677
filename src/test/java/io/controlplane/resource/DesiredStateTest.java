package io.controlplane.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.ExtraVolume;
import io.controlplane.database.spec.ParseResult;
import io.controlplane.database.spec.SpecParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link DesiredState#instances}: one instance per node and host, node values over database values. */
class DesiredStateTest {

    static DatabaseSpec spec(String json) {
        try {
            ParseResult<DatabaseSpec> r = new SpecParser().parseSpec(new ObjectMapper().readTree(json));
            assertThat(r.errors()).isEmpty();
            return r.value().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<InstanceSpec> instances(String specJson) {
        return DesiredState.instances("db", Optional.empty(), spec(specJson), v -> "manifest/postgres:" + v);
    }

    @Test
    void oneInstancePerNodeAndHostWithTheFirstHostIntendedPrimary() {
        List<InstanceSpec> all = instances("""
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n1","host_ids":["h1","h2"]},{"name":"n2","host_ids":["h3"]}]}""");

        assertThat(all).extracting(InstanceSpec::instanceId).containsExactly(
                InstanceIds.instanceId("db", "n1", "h1"), InstanceIds.instanceId("db", "n1", "h2"),
                InstanceIds.instanceId("db", "n2", "h3"));
        assertThat(all).extracting(InstanceSpec::intendedPrimary).containsExactly(true, false, true);
        assertThat(all).extracting(InstanceSpec::hostId).containsExactly("h1", "h2", "h3");
        assertThat(all).extracting(InstanceSpec::clusterSize).containsOnly(2);
        assertThat(all).extracting(InstanceSpec::nodeSize).containsExactly(2, 2, 1);
    }

    @Test
    void nodeOrdinalIsTheNumberInTheNodeName() {
        List<InstanceSpec> all = instances("""
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n7","host_ids":["h1"]},{"name":"n12","host_ids":["h2"]}]}""");

        assertThat(all).extracting(InstanceSpec::nodeOrdinal).containsExactly(7, 12);
    }

    @Test
    void nodeValuesWinOverDatabaseValues() {
        List<InstanceSpec> all = instances("""
                {"database_name":"app","postgres_version":"17.6","port":5432,"patroni_port":8888,
                 "cpus":"2","memory":"4GiB","nodes":[
                  {"name":"n1","host_ids":["h1"],"postgres_version":"17.5","port":6432,"patroni_port":9888,
                   "cpus":"500m","memory":"1GiB"},
                  {"name":"n2","host_ids":["h2"]}]}""");

        InstanceSpec n1 = all.get(0);
        InstanceSpec n2 = all.get(1);
        assertThat(List.of(n1.postgresVersion(), n1.port(), n1.patroniPort(), n1.cpusOrNull(), n1.memoryOrNull()))
                .containsExactly("17.5", 6432, 9888, "500m", "1GiB");
        assertThat(List.of(n2.postgresVersion(), n2.port(), n2.patroniPort(), n2.cpusOrNull(), n2.memoryOrNull()))
                .containsExactly("17.6", 5432, 8888, "2", "4GiB");
        assertThat(n1.image()).isEqualTo("manifest/postgres:17.5");
        assertThat(n2.image()).isEqualTo("manifest/postgres:17.6");
    }

    @Test
    void portZeroAtNodeLevelAsksForAllocationEvenWhenTheDatabaseFixesOne() {
        List<InstanceSpec> all = instances("""
                {"database_name":"app","postgres_version":"17.6","port":5432,"nodes":[
                  {"name":"n1","host_ids":["h1"],"port":0,"patroni_port":0}]}""");

        assertThat(all.get(0).port()).isZero();
        assertThat(all.get(0).patroniPort()).isZero();
        assertThat(all.get(0).portsAllocated()).isFalse();
    }

    @Test
    void unsetPortsAreLeftToAllocation() {
        InstanceSpec only = instances("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h1"]}]}""").get(0);

        assertThat(only.port()).isZero();
        assertThat(only.patroniPort()).isZero();
    }

    @Test
    void postgresqlConfIsTheDatabaseMapWithTheNodeMapMergedOver() {
        InstanceSpec only = instances("""
                {"database_name":"app","postgres_version":"17.6",
                 "postgresql_conf":{"work_mem":"4MB","max_connections":100,"log_connections":true},
                 "nodes":[{"name":"n1","host_ids":["h1"],"postgresql_conf":{"work_mem":"64MB","random_page_cost":1.1}}]}
                """).get(0);

        assertThat(only.postgresqlConf()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "work_mem", "64MB", "max_connections", "100", "log_connections", "on", "random_page_cost", "1.1"));
    }

    @Test
    void hbaAndIdentEntriesAreTheNodeOnesFollowedByTheDatabaseOnes() {
        InstanceSpec only = instances("""
                {"database_name":"app","postgres_version":"17.6",
                 "pg_hba_conf":["host all all 10.0.0.0/8 md5"],"pg_ident_conf":["dbmap root postgres"],
                 "nodes":[{"name":"n1","host_ids":["h1"],"pg_hba_conf":["host app admin 10.1.0.0/16 scram-sha-256"],
                           "pg_ident_conf":["nodemap admin app"]}]}""").get(0);

        assertThat(only.hbaEntries()).containsExactly("host app admin 10.1.0.0/16 scram-sha-256",
                "host all all 10.0.0.0/8 md5");
        assertThat(only.identEntries()).containsExactly("nodemap admin app", "dbmap root postgres");
    }

    @Test
    void swarmImageOverridesTheManifestImage() {
        InstanceSpec only = instances("""
                {"database_name":"app","postgres_version":"17.6",
                 "orchestrator_opts":{"swarm":{"image":"registry.local/pg:17","extra_labels":{"team":"shop"},
                   "extra_volumes":[{"host_path":"/srv","destination_path":"/shared"}]}},
                 "nodes":[{"name":"n1","host_ids":["h1"]}]}""").get(0);

        assertThat(only.image()).isEqualTo("registry.local/pg:17");
        assertThat(only.extraLabels()).containsExactlyEntriesOf(Map.of("team", "shop"));
        assertThat(only.extraVolumes()).containsExactly(new ExtraVolume("/srv", "/shared"));
    }

    @Test
    void nodeOrchestratorOptsReplaceTheDatabaseOnesWhole() {
        // pgEdge §3.2: orchestrator_opts of a node override the database's object, they are not merged
        InstanceSpec only = instances("""
                {"database_name":"app","postgres_version":"17.6",
                 "orchestrator_opts":{"swarm":{"image":"registry.local/pg:17","extra_labels":{"team":"shop"}}},
                 "nodes":[{"name":"n1","host_ids":["h1"],"orchestrator_opts":{"swarm":{"extra_labels":{"tier":"gold"}}}}]}
                """).get(0);

        assertThat(only.image()).isEqualTo("manifest/postgres:17.6");
        assertThat(only.extraLabels()).containsExactlyEntriesOf(Map.of("tier", "gold"));
    }

    @Test
    void databaseIdTenantAndNameAreOnEveryInstance() {
        InstanceSpec only = DesiredState.instances("db", Optional.of("acme"), spec("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h1"]}]}"""),
                v -> "img").get(0);

        assertThat(List.of(only.databaseId(), only.tenantIdOrNull(), only.databaseName(), only.nodeName()))
                .containsExactly("db", "acme", "app", "n1");
    }

    @Test
    void sameSpecGivesEqualInstances() {
        String json = """
                {"database_name":"app","postgres_version":"17.6","postgresql_conf":{"a":"1","b":"2"},
                 "nodes":[{"name":"n1","host_ids":["h1","h2"]}]}""";

        assertThat(instances(json)).isEqualTo(instances(json));
    }

    @Test
    void refusesASpecWhosePostgresVersionWasNotDefaulted() {
        assertThatThrownBy(() -> instances("""
                {"database_name":"app","nodes":[{"name":"n1","host_ids":["h1"]}]}"""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("postgres_version");
    }

    @Test
    void backupsArchiveMountPosixRepositoriesAndARestoreConfigBootstrapsNodesWithoutSource() {
        List<InstanceSpec> all = instances("""
                {"database_name":"app","postgres_version":"15.18",
                 "backup_config":{"repositories":[{"type":"posix","base_path":"/backups"},
                                                  {"type":"s3","s3_bucket":"b"}]},
                 "restore_config":{"source_database_id":"src","source_node_name":"n1","source_database_name":"app",
                                   "repository":{"type":"posix","base_path":"/restore-from"}},
                 "nodes":[{"name":"n1","host_ids":["h1"]},
                          {"name":"n2","host_ids":["h2"],"backup_config":{"repositories":[{"type":"s3","s3_bucket":"c"}]}},
                          {"name":"n3","host_ids":["h3"],"source_node":"n1"}]}""");

        assertThat(all.get(0).backup()).isEqualTo(new InstanceBackup(true, List.of("/backups", "/restore-from"),
                InstanceBackup.FROM_SPEC));
        // the node's own backup config replaces the database's whole
        assertThat(all.get(1).backup()).isEqualTo(new InstanceBackup(true, List.of("/restore-from"),
                InstanceBackup.FROM_SPEC));
        // a node copied from another node is not restored
        assertThat(all.get(2).backup()).isEqualTo(new InstanceBackup(true, List.of("/backups"), null));
    }

    @Test
    void withoutBackupsTheSpecEqualsOneStoredBeforeBackupsExisted() {
        InstanceSpec spec = instances("""
                {"database_name":"app","postgres_version":"15.18","nodes":[{"name":"n1","host_ids":["h1"]}]}""").get(0);

        assertThat(spec.backup()).isEqualTo(InstanceBackup.NONE);
        assertThat(spec).isEqualTo(spec.withBackup(null)).isEqualTo(spec.withBackup(InstanceBackup.NONE));
    }
}
