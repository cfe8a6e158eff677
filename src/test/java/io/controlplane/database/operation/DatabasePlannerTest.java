package io.controlplane.database.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.resource.DesiredState;
import io.controlplane.resource.InstanceIds;
import io.controlplane.resource.InstanceSpec;
import io.controlplane.support.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** "Plan instances" against the stored state in the test server's etcd. */
class DatabasePlannerTest {

    private static DatabaseStore store;
    private static DatabasePlanner planner;
    private static ImageManifest manifest;
    private static String db;

    @BeforeAll
    static void startServer() {
        TestServer server = TestServer.get();
        store = server.bean(DatabaseStore.class);
        planner = server.bean(DatabasePlanner.class);
        manifest = server.bean(ImageManifest.class);
    }

    @AfterAll
    static void removeDatabase() {
        if (db != null) {
            store.deleteDatabase(db);
        }
    }

    private static DatabaseSpec spec(List<String> hosts) {
        return new SpecParser().parseSpec(new ObjectMapper().valueToTree(Map.of("database_name", "app",
                "postgres_version", manifest.defaultPostgresVersion(),
                "nodes", List.of(Map.of("name", "n1", "host_ids", hosts))))).value().orElseThrow();
    }

    @Test
    void cleanupOfACanceledAddNodeRemovesTheHalfAddedNodeAndNamesTheNodesThatStayInTheMesh() {
        String id = "planner-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        DatabaseSpec spec = new SpecParser().parseSpec(new ObjectMapper().valueToTree(Map.of("database_name", "app",
                "postgres_version", manifest.defaultPostgresVersion(), "nodes", List.of(
                        Map.of("name", "n1", "host_ids", List.of("h1")), Map.of("name", "n2", "host_ids", List.of("h2")),
                        Map.of("name", "n3", "host_ids", List.of("h3")))))).value().orElseThrow();
        store.create(new DatabaseRecord(id, null, DatabaseState.MODIFYING, now, now, null), spec);
        try {
            for (InstanceSpec s : DesiredState.instances(id, Optional.empty(), spec, manifest::image)) {
                boolean added = s.nodeName().equals("n3");
                if (added) {
                    store.putPlanned(s.withPorts(20011, 20012)); // its create (and copy) never finished
                } else {
                    store.putInstanceSpec(s.withPorts(20011, 20012));
                }
                store.putInstance(new InstanceRecord(s.instanceId(), id, s.hostId(), s.nodeName(),
                        added ? InstanceState.CREATING : InstanceState.AVAILABLE, 20011, 20012, now, now, null));
            }
            String n1 = InstanceIds.instanceId(id, "n1", "h1");
            String n3 = InstanceIds.instanceId(id, "n3", "h3");

            OperationPlan plan = planner.planCancelCleanup(id, "proc-host", List.of(n3), List.of());

            assertThat(plan.removeInstances()).containsExactly(n3);
            assertThat(plan.removedNodes()).containsExactly("n3");
            // remove-replication-node runs for n3 on the nodes that stay, on their primaries' hosts
            assertThat(plan.replicatedNodes()).containsExactly("n1", "n2");
            assertThat(plan.nodeHosts()).isEqualTo(Map.of("n1", "h1", "n2", "h2"));
            assertThat(store.instance(id, n3).orElseThrow().state()).isEqualTo(InstanceState.DELETING);

            // a canceled restore of n1: its instance is stopped (routed to its host), nothing is removed
            OperationPlan restore = planner.planCancelCleanup(id, "proc-host", List.of(), List.of(n1));
            assertThat(restore.instanceHosts()).containsEntry(n1, "h1");
            assertThat(restore.removeInstances()).doesNotContain(n1);
            assertThat(store.instance(id, n1).orElseThrow().state()).isEqualTo(InstanceState.AVAILABLE);
        } finally {
            store.deleteDatabase(id);
        }
    }

    @Test
    void nodeMovedToNewHostsDropsItsOldPatroniClusterAndBootstrapsOnTheNewFirstHost() {
        db = "planner-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        store.create(new DatabaseRecord(db, null, DatabaseState.AVAILABLE, now, now, null), spec(List.of("h1")));
        for (InstanceSpec s : DesiredState.instances(db, Optional.empty(), spec(List.of("h1")), manifest::image)) {
            store.putInstanceSpec(s.withPorts(20001, 20002));
            store.putInstance(new InstanceRecord(s.instanceId(), db, s.hostId(), "n1", InstanceState.AVAILABLE,
                    20001, 20002, now, now, null));
        }
        store.restore(store.record(db).orElseThrow(), spec(List.of("h3", "h4")));

        OperationPlan plan = planner.plan(db, "proc-host", false, false, Set.of());

        String old = InstanceIds.instanceId(db, "n1", "h1");
        assertThat(plan.createPrimaries()).containsExactly(InstanceIds.instanceId(db, "n1", "h3"));
        assertThat(plan.createReplicas()).containsExactly(InstanceIds.instanceId(db, "n1", "h4"));
        assertThat(plan.removeInstances()).containsExactly(old);
        assertThat(plan.removedNodes()).containsExactly("n1");
        assertThat(plan.nodeHosts()).containsExactlyEntriesOf(Map.of("n1", "h3"));
        assertThat(store.instance(db, old).orElseThrow().state()).isEqualTo(InstanceState.DELETING);
    }
}
