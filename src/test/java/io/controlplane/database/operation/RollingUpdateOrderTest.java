package io.controlplane.database.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.common.OperationFailedException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.InstanceStatus;
import io.controlplane.resource.InstanceSpec;
import io.controlplane.support.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** "Order the rolling update" on the test server's etcd: roles come from the instance monitor's statuses. */
class RollingUpdateOrderTest {

    private final DatabaseStore store = TestServer.get().bean(DatabaseStore.class);
    private final RollingUpdateOrder order = TestServer.get().bean(RollingUpdateOrder.class);
    private final String db = "roll-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void forget() {
        store.deleteDatabase(db);
    }

    private void instance(String id, String node, String role) {
        Instant now = Instant.now();
        store.putInstanceSpec(new InstanceSpec(id, db, null, "app", node, 1, "h", false, "15.18", "img", 5432, 8008,
                null, null, null, null, null, null, null, 2, 2));
        store.putInstance(new InstanceRecord(id, db, "h", node, InstanceState.AVAILABLE, 5432, 8008, now, now, null));
        store.putStatus(db, id, new InstanceStatus("running", role, false, "15.18", null, null, now));
    }

    @Test
    void replicasFirstThenASwitchoverPerNodeWithAReplicaThenTheOldPrimaries() {
        instance(db + "-n1-a", "n1", "primary");
        instance(db + "-n1-b", "n1", "replica");
        instance(db + "-n2-a", "n2", "replica");
        instance(db + "-n2-b", "n2", "primary");
        instance(db + "-n3-a", "n3", "primary");
        List<String> all = List.of(db + "-n1-a", db + "-n1-b", db + "-n2-a", db + "-n2-b", db + "-n3-a");

        RollingUpdateOrder.Order o = order.order(db, all, List.of(), List.of());

        assertThat(o.replicas()).containsExactly(db + "-n1-b", db + "-n2-a");
        assertThat(o.switchoverNodes()).containsExactly("n1", "n2");
        assertThat(o.primaries()).containsExactly(db + "-n1-a", db + "-n2-b", db + "-n3-a");
        assertThat(o.inPlace()).containsExactly("n3");
        assertThat(o.summary()).contains("nodes with a single instance are updated in place: n3");
    }

    @Test
    void aNodeWhosePrimaryIsNotUpdatedIsNotSwitchedOver() {
        instance(db + "-n1-a", "n1", "primary");
        instance(db + "-n1-b", "n1", "replica");

        RollingUpdateOrder.Order o = order.order(db, List.of(db + "-n1-b"), List.of(), List.of());

        assertThat(o.replicas()).containsExactly(db + "-n1-b");
        assertThat(o.switchoverNodes()).isEmpty();
        assertThat(o.primaries()).isEmpty();
    }

    @Test
    void aPlanThatCreatesOrRemovesInstancesIsRefused() {
        assertThatThrownBy(() -> order.order(db, List.of(), List.of(db + "-n2-a"), List.of()))
                .isInstanceOf(OperationFailedException.class).hasMessageContaining("update the database before");
    }
}
