package io.controlplane.delegates;

import io.controlplane.cluster.HostService;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Remove host record": deletes the host and its status from the cluster store. */
@Component
public class RemoveHostRecordDelegate implements StepHandler {

    private final HostService hosts;

    public RemoveHostRecordDelegate(HostService hosts) {
        this.hosts = hosts;
    }

    @Override
    public String name() {
        return HandlerNames.REMOVE_HOST_RECORD;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String hostId = context.hostBeingRemoved();
        hosts.removeRecord(hostId);
        context.log("successfully removed host '" + hostId + "'");
        return Map.of();
    }
}
