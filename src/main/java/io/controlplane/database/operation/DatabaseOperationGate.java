package io.controlplane.database.operation;

import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.StateConflictException;
import io.controlplane.engine.OperationGate;
import io.controlplane.engine.OperationRefusedException;
import io.controlplane.engine.OperationRefusedException.Kind;
import io.controlplane.task.TaskScope;
import org.springframework.stereotype.Component;

/**
 * An ops engineer's operation on a database runs like an update: only from a state that accepts an
 * operation ({@code available}, {@code degraded}, {@code failed}), as {@code modifying} meanwhile, so no
 * other operation starts; it leaves the database {@code available}, or {@code failed} with the error.
 */
@Component
class DatabaseOperationGate implements OperationGate {

    private final DatabaseStore store;
    private final DatabaseOutcome outcome;

    DatabaseOperationGate(DatabaseStore store, DatabaseOutcome outcome) {
        this.store = store;
        this.outcome = outcome;
    }

    @Override
    public TaskScope scope() {
        return TaskScope.DATABASE;
    }

    @Override
    public void check(String databaseId) {
        DatabaseRecord record = store.record(databaseId).orElseThrow(() -> notFound(databaseId));
        if (!record.state().modifiable()) {
            throw busy(databaseId, record.state());
        }
    }

    @Override
    public Runnable claim(String databaseId, String processKey) {
        DatabaseRecord before = store.record(databaseId).orElseThrow(() -> notFound(databaseId));
        try {
            store.transition(databaseId, DatabaseState::modifiable, DatabaseState.MODIFYING, null)
                    .orElseThrow(() -> notFound(databaseId));
        } catch (StateConflictException e) {
            throw e.concurrent() ? new OperationRefusedException(Kind.CONFLICT, "another operation on database "
                    + databaseId + " started at the same moment") : busy(databaseId, e.state());
        }
        return () -> store.setState(databaseId, before.state(), before.errorOrNull());
    }

    @Override
    public void ended(String databaseId, boolean completed, String error) {
        if (store.record(databaseId).isEmpty()) {
            return;
        }
        if (completed) {
            outcome.available(databaseId);
        } else {
            outcome.failed(databaseId, error);
        }
    }

    private static OperationRefusedException notFound(String databaseId) {
        return new OperationRefusedException(Kind.NOT_FOUND, "database " + databaseId + " does not exist");
    }

    private static OperationRefusedException busy(String databaseId, DatabaseState state) {
        return new OperationRefusedException(Kind.CONFLICT, "database " + databaseId + " is " + state.wireName()
                + ": it accepts an operation only when available, degraded or failed (one operation at a time)");
    }
}
