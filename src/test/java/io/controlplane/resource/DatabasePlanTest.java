package io.controlplane.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link DatabasePlan#between}: what an operation creates, updates and removes. */
class DatabasePlanTest {

    private static final String ONE_NODE_TWO_HOSTS = """
            {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h1","h2"]}]}""";

    private static List<InstanceSpec> desired(String specJson) {
        return DesiredStateTest.instances(specJson);
    }

    /** What the store holds after a create: the desired instances with allocated ports. */
    private static Map<String, InstanceSpec> stored(String specJson) {
        Map<String, InstanceSpec> current = new LinkedHashMap<>();
        int port = 20000;
        for (InstanceSpec s : desired(specJson)) {
            current.put(s.instanceId(), s.port() == 0 ? s.withPorts(port++, port++) : s);
        }
        return current;
    }

    private static String id(String node, String host) {
        return InstanceIds.instanceId("db", node, host);
    }

    private static List<String> ids(List<InstanceSpec> specs) {
        return DatabasePlan.ids(specs);
    }

    @Test
    void newDatabaseCreatesEachNodesFirstHostAsPrimaryAndTheOthersAsReplicas() {
        DatabasePlan plan = DatabasePlan.between(Map.of(), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n1","host_ids":["h1","h2"]},{"name":"n2","host_ids":["h3"]}]}"""), Set.of(), false);

        assertThat(ids(plan.createPrimaries())).containsExactly(id("n1", "h1"), id("n2", "h3"));
        assertThat(ids(plan.createReplicas())).containsExactly(id("n1", "h2"));
        assertThat(plan.update()).isEmpty();
        assertThat(plan.remove()).isEmpty();
        assertThat(plan.nodes()).containsExactly("n1", "n2");
    }

    @Test
    void unchangedSpecPlansNothing() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired(ONE_NODE_TWO_HOSTS), Set.of(), false);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(ids(plan.unchanged())).containsExactly(id("n1", "h1"), id("n1", "h2"));
    }

    @Test
    void hostAddedToAnExistingNodeBecomesAReplica() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h1","h2","h3"]}]}"""),
                Set.of(), false);

        assertThat(plan.createPrimaries()).isEmpty();
        assertThat(ids(plan.createReplicas())).containsExactly(id("n1", "h3"));
    }

    @Test
    void newFirstHostOfAnExistingNodeIsAReplicaNotASecondBootstrap() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h3","h1","h2"]}]}"""),
                Set.of(), false);

        assertThat(plan.createPrimaries()).isEmpty();
        assertThat(ids(plan.createReplicas())).containsExactly(id("n1", "h3"));
    }

    @Test
    void hostRemovedFromANodeIsRemovedButTheNodeStays() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h1"]}]}"""),
                Set.of(), false);

        assertThat(ids(plan.remove())).containsExactly(id("n1", "h2"));
        assertThat(plan.removedNodes()).isEmpty();
    }

    @Test
    void nodeLeftWithNoInstanceIsARemovedNode() {
        String twoNodes = """
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n1","host_ids":["h1"]},{"name":"n2","host_ids":["h2","h3"]}]}""";
        DatabasePlan plan = DatabasePlan.between(stored(twoNodes), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h1"]}]}"""),
                Set.of(), false);

        assertThat(ids(plan.remove())).containsExactlyInAnyOrder(id("n2", "h2"), id("n2", "h3"));
        assertThat(plan.removedNodes()).containsExactly("n2");
        assertThat(plan.nodes()).containsExactly("n1");
    }

    @Test
    void newNodeNextToAnExistingOneGetsItsOwnPrimaryAndTheOldNodeFollowsTheNewClusterSize() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n1","host_ids":["h1","h2"]},{"name":"n2","host_ids":["h3","h4"]}]}"""), Set.of(), false);

        assertThat(ids(plan.createPrimaries())).containsExactly(id("n2", "h3"));
        assertThat(ids(plan.createReplicas())).containsExactly(id("n2", "h4"));
        // cluster_size feeds the Postgres tuning of every instance (pgEdge §3.8)
        assertThat(ids(plan.update())).containsExactlyInAnyOrder(id("n1", "h1"), id("n1", "h2"));
        assertThat(plan.update()).extracting(InstanceSpec::clusterSize).containsOnly(2);
    }

    @Test
    void nodeWhoseHostsAreAllReplacedIsBootstrappedAgainOnItsNewFirstHost() {
        // nothing of the old Patroni cluster survives: the new first host bootstraps it, and the old
        // cluster's keys go with the removed instances so that bootstrap can happen
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h3","h4"]}]}"""),
                Set.of(id("n1", "h1")), false);

        assertThat(ids(plan.createPrimaries())).containsExactly(id("n1", "h3"));
        assertThat(ids(plan.createReplicas())).containsExactly(id("n1", "h4"));
        assertThat(ids(plan.remove())).containsExactlyInAnyOrder(id("n1", "h1"), id("n1", "h2"));
        assertThat(plan.removedNodes()).containsExactly("n1");
        assertThat(plan.nodes()).containsExactly("n1");
    }

    @Test
    void portsLeftToAllocationKeepTheCurrentPorts() {
        Map<String, InstanceSpec> current = stored(ONE_NODE_TWO_HOSTS);
        DatabasePlan plan = DatabasePlan.between(current, desired(ONE_NODE_TWO_HOSTS), Set.of(), true);

        assertThat(plan.update()).extracting(InstanceSpec::port)
                .containsExactlyInAnyOrder(current.get(id("n1", "h1")).port(), current.get(id("n1", "h2")).port());
        assertThat(plan.update()).allMatch(InstanceSpec::portsAllocated);
    }

    @Test
    void fixedPortChangeUpdatesTheInstances() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","port":6543,
                 "nodes":[{"name":"n1","host_ids":["h1","h2"]}]}"""), Set.of(), false);

        assertThat(plan.update()).extracting(InstanceSpec::port).containsOnly(6543);
        assertThat(plan.update()).hasSize(2);
    }

    @Test
    void postgresqlConfChangeUpdatesTheInstances() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","postgresql_conf":{"work_mem":"64MB"},
                 "nodes":[{"name":"n1","host_ids":["h1","h2"]}]}"""), Set.of(), false);

        assertThat(ids(plan.update())).containsExactlyInAnyOrder(id("n1", "h1"), id("n1", "h2"));
        assertThat(plan.update()).allSatisfy(s -> assertThat(s.postgresqlConf()).containsEntry("work_mem", "64MB"));
        assertThat(plan.unchanged()).isEmpty();
    }

    @Test
    void changeOnOneNodeLeavesTheOtherNodeUnchanged() {
        String before = """
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n1","host_ids":["h1"]},{"name":"n2","host_ids":["h2"]}]}""";
        DatabasePlan plan = DatabasePlan.between(stored(before), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n1","host_ids":["h1"],"memory":"2GiB"},{"name":"n2","host_ids":["h2"]}]}"""),
                Set.of(), false);

        assertThat(ids(plan.update())).containsExactly(id("n1", "h1"));
        assertThat(ids(plan.unchanged())).containsExactly(id("n2", "h2"));
    }

    @Test
    void forceUpdatesEveryExistingInstance() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired(ONE_NODE_TWO_HOSTS), Set.of(), true);

        assertThat(ids(plan.update())).containsExactlyInAnyOrder(id("n1", "h1"), id("n1", "h2"));
        assertThat(plan.unchanged()).isEmpty();
        assertThat(plan.isEmpty()).isFalse();
    }

    @Test
    void replicasAreUpdatedBeforeTheCurrentPrimaries() {
        // h2 took over as primary: it goes last, whatever the spec's host order says
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired(ONE_NODE_TWO_HOSTS),
                Set.of(id("n1", "h2")), true);

        assertThat(ids(plan.update())).containsExactly(id("n1", "h1"), id("n1", "h2"));

        DatabasePlan usual = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired(ONE_NODE_TWO_HOSTS),
                Set.of(id("n1", "h1")), true);
        assertThat(ids(usual.update())).containsExactly(id("n1", "h2"), id("n1", "h1"));
    }

    @Test
    void reorderedHostsAloneChangeNothing() {
        // only intendedPrimary differs: which host bootstrapped the node is history
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[{"name":"n1","host_ids":["h2","h1"]}]}"""),
                Set.of(), false);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.unchanged()).hasSize(2);
    }

    @Test
    void finalInstancesAreEverythingButTheRemovedOnes() {
        DatabasePlan plan = DatabasePlan.between(stored(ONE_NODE_TWO_HOSTS), desired("""
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n1","host_ids":["h1"]},{"name":"n2","host_ids":["h3"]}]}"""), Set.of(), false);

        assertThat(ids(plan.finalInstances())).containsExactlyInAnyOrder(id("n1", "h1"), id("n2", "h3"));
        assertThat(ids(plan.remove())).containsExactly(id("n1", "h2"));
    }

    @Test
    void removedInstancesAreSortedById() {
        String threeNodes = """
                {"database_name":"app","postgres_version":"17.6","nodes":[
                  {"name":"n3","host_ids":["h1"]},{"name":"n1","host_ids":["h2"]},{"name":"n2","host_ids":["h3"]}]}""";
        DatabasePlan plan = DatabasePlan.between(stored(threeNodes), List.of(), Set.of(), false);

        // ids are "db-<node>-<host hash>": sorted by id is n1, n2, n3, unlike the spec's n3, n1, n2
        assertThat(ids(plan.remove())).containsExactly(id("n1", "h2"), id("n2", "h3"), id("n3", "h1"));
        assertThat(plan.removedNodes()).containsExactlyInAnyOrder("n1", "n2", "n3");
        assertThat(plan.createPrimaries()).isEmpty();
        assertThat(plan.createReplicas()).isEmpty();
        assertThat(plan.update()).isEmpty();
        assertThat(plan.finalInstances()).isEmpty();
    }
}
