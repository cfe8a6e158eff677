package io.controlplane.database.operation;

import io.controlplane.cluster.ClusterService;
import io.controlplane.database.spec.RestoreConfigSpec;
import io.controlplane.database.spec.RestoreDatabaseRequest;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The restore config of each in-place restore, at {@code /restores/<db>/<task_id>} in etcd: it holds the
 * repository's keys, so it stays out of process variables; the restore's steps read it by task id.
 */
@Service
public class RestoreRequests {

    private final ClusterService cluster;

    public RestoreRequests(ClusterService cluster) {
        this.cluster = cluster;
    }

    static String key(String databaseId, String taskId) {
        return "/restores/" + databaseId + "/" + taskId;
    }

    public void put(String databaseId, String taskId, RestoreConfigSpec config) {
        cluster.store().put(key(databaseId, taskId), RestoreDatabaseRequest.storedJson(config));
    }

    public Optional<RestoreConfigSpec> get(String databaseId, String taskId) {
        return cluster.store().get(key(databaseId, taskId)).map(v -> RestoreDatabaseRequest.fromStoredJson(v.value()));
    }

    public void delete(String databaseId, String taskId) {
        cluster.store().delete(key(databaseId, taskId));
    }

}
