package io.controlplane.delegates;

import io.controlplane.cluster.HostService;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Remove etcd credentials": deletes the host's etcd user. */
@Component
public class RemoveHostCredentialsDelegate implements StepHandler {

    private final HostService hosts;

    public RemoveHostCredentialsDelegate(HostService hosts) {
        this.hosts = hosts;
    }

    @Override
    public String name() {
        return "removeHostCredentials";
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        hosts.removeCredentials(context.requireString("hostId"));
        return Map.of();
    }
}
