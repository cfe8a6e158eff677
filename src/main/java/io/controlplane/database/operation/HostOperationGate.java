package io.controlplane.database.operation;

import io.controlplane.cluster.HostService;
import io.controlplane.engine.OperationGate;
import io.controlplane.engine.OperationRefusedException;
import io.controlplane.task.TaskScope;
import org.springframework.stereotype.Component;

/** An ops engineer's operation on a host needs the host to exist; hosts have no operation state. */
@Component
class HostOperationGate implements OperationGate {

    private final HostService hosts;

    HostOperationGate(HostService hosts) {
        this.hosts = hosts;
    }

    @Override
    public TaskScope scope() {
        return TaskScope.HOST;
    }

    @Override
    public void check(String hostId) {
        if (hosts.find(hostId).isEmpty()) {
            throw new OperationRefusedException(OperationRefusedException.Kind.NOT_FOUND,
                    "host " + hostId + " does not exist");
        }
    }

    @Override
    public Runnable claim(String hostId, String processKey) {
        check(hostId);
        return () -> { };
    }

    @Override
    public void ended(String hostId, boolean completed, String error) {
        // a host keeps no state for operations
    }
}
