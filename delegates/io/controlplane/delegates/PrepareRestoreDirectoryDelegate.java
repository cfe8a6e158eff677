package io.controlplane.delegates;

import io.controlplane.database.operation.NodeRestores;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Prepare data directory for restore": the primary's is moved aside (kept for --delta), a replica's removed. */
@Component
class PrepareRestoreDirectoryDelegate extends InstanceStep {

    private final NodeRestores restores;

    PrepareRestoreDirectoryDelegate(NodeRestores restores) {
        this.restores = restores;
    }

    @Override
    public String name() {
        return HandlerNames.PREPARE_RESTORE_DIRECTORY;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        boolean primary = context.stringList(ProcessVariables.RESTORE_PRIMARIES).contains(instanceId);
        return restores.prepareDirectory(databaseId, instanceId, primary ? instanceId : "");
    }
}
