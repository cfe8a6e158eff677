package io.controlplane.delegates;

import io.controlplane.cluster.HostService;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Remove etcd member": takes the host's member out of etcd; refuses below three members. */
@Component
public class RemoveEtcdMemberDelegate implements StepHandler {

    private final HostService hosts;

    public RemoveEtcdMemberDelegate(HostService hosts) {
        this.hosts = hosts;
    }

    @Override
    public String name() {
        return HandlerNames.REMOVE_ETCD_MEMBER;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String hostId = context.hostBeingRemoved();
        context.log("removing host '" + hostId + "'");
        boolean removed = hosts.removeEtcdMember(hostId);
        context.log(removed ? "removed etcd member '" + hostId + "'"
                : "host '" + hostId + "' has no etcd member (client mode or already removed)");
        return Map.of();
    }
}
