package io.controlplane.database.operation;

import io.controlplane.cluster.ClusterService;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceState;
import io.controlplane.patroni.PatroniKeys;
import java.time.Instant;
import org.springframework.stereotype.Service;

/** How a database operation ends: available, failed, or (delete) gone without a trace in etcd. */
@Service
public class DatabaseOutcome {

    private final DatabaseStore store;
    private final ClusterService cluster;

    public DatabaseOutcome(DatabaseStore store, ClusterService cluster) {
        this.store = store;
        this.cluster = cluster;
    }

    /** "Mark database available". */
    public void available(String databaseId) {
        store.clearPlans(databaseId);
        store.setState(databaseId, DatabaseState.AVAILABLE, null);
    }

    /** The operation failed or was canceled: the database and every instance still in progress are failed. */
    public void failed(String databaseId, String error) {
        Instant now = Instant.now();
        store.instances(databaseId).values().stream().filter(i -> i.state().inProgress())
                .forEach(i -> store.updateInstance(databaseId, i.id(), r -> r.withState(InstanceState.FAILED, error, now)));
        store.setState(databaseId, DatabaseState.FAILED, error);
    }

    /** "Delete database records": spec, record, secrets, markers and any Patroni key left of its nodes. */
    public void deleted(String databaseId) {
        cluster.deleteOutsideKeyRoot(PatroniKeys.databasePrefix(databaseId));
        // backups (P5): restore configs (they hold repository keys) and the schedules' last ticks
        cluster.store().deletePrefix(RestoreRequests.key(databaseId, ""));
        cluster.store().deletePrefix(ScheduledBackups.runsPrefix(databaseId));
        store.deleteDatabase(databaseId);
    }

}
