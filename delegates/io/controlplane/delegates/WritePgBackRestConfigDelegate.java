package io.controlplane.delegates;

import io.controlplane.database.operation.PgBackRestFiles;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Write pgBackRest config": the instance's backup config, and its restore config and script when it restores. */
@Component
class WritePgBackRestConfigDelegate extends InstanceStep {

    private final PgBackRestFiles files;

    WritePgBackRestConfigDelegate(PgBackRestFiles files) {
        this.files = files;
    }

    @Override
    public String name() {
        return HandlerNames.WRITE_PGBACKREST_CONFIG;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        return files.write(databaseId, instanceId);
    }
}
