package io.controlplane.delegates;

import io.controlplane.cluster.HostService;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Remove host's etcd user": deletes etcd user {@code host-<host_id>}; nothing to do is fine. */
@Component
public class RemoveHostEtcdUserDelegate implements StepHandler {

    private final HostService hosts;

    public RemoveHostEtcdUserDelegate(HostService hosts) {
        this.hosts = hosts;
    }

    @Override
    public String name() {
        return HandlerNames.REMOVE_HOST_ETCD_USER;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String hostId = context.hostBeingRemoved();
        hosts.removeCredentials(hostId);
        context.log("removed etcd user of host '" + hostId + "'");
        return Map.of();
    }
}
