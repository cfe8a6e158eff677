package io.controlplane.delegates;

import io.controlplane.database.operation.DatabaseOutcome;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Delete database records": the last trace of a deleted database in etcd. Its tasks stay. */
@Component
class DeleteDatabaseRecordsDelegate implements StepHandler {

    private final DatabaseOutcome outcome;

    DeleteDatabaseRecordsDelegate(DatabaseOutcome outcome) {
        this.outcome = outcome;
    }

    @Override
    public String name() {
        return HandlerNames.DELETE_DATABASE_RECORDS;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        outcome.deleted(context.databaseId());
        context.log("deleted the database's spec, records, secrets and Patroni keys");
        return Map.of();
    }
}
