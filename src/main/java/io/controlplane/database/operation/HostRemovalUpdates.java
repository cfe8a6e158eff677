package io.controlplane.database.operation;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.StateConflictException;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * The steps of {@code remove-host} around its database updates: take the host out of the specs
 * before the updates, check their outcome after them, and end the updates that never started when
 * the removal ends early.
 */
@Service
public class HostRemovalUpdates {

    private final DatabaseStore store;
    private final DatabaseOutcome outcome;
    private final TaskService tasks;

    public HostRemovalUpdates(DatabaseStore store, DatabaseOutcome outcome, TaskService tasks) {
        this.store = store;
        this.outcome = outcome;
        this.tasks = tasks;
    }

    /**
     * "Take host out of database specs": removes the host from each node's hosts (nodes left without
     * a host are dropped) and marks the database {@code modifying}, whatever operation it was in, as
     * pgEdge does. A rerun finds the host gone and only makes sure the state is {@code modifying}.
     *
     * @return one log line per database
     */
    public List<String> takeHostOutOfSpecs(String hostId, List<String> databaseIds) {
        List<String> lines = new ArrayList<>();
        for (String databaseId : databaseIds) {
            Optional<DatabaseSpec> spec = store.spec(databaseId);
            if (spec.isEmpty()) {
                throw new OperationFailedException("database " + databaseId + " no longer exists; its update task"
                        + " cannot run");
            }
            boolean usesHost = spec.get().nodes().stream().anyMatch(n -> n.hostIds().contains(hostId));
            try {
                store.transition(databaseId, state -> true, DatabaseState.MODIFYING,
                        usesHost ? spec.get().withoutHosts(Set.of(hostId)) : null);
            } catch (StateConflictException e) {
                throw new TransientException("database " + databaseId + " changed meanwhile: " + e.getMessage());
            }
            lines.add("removing host from database '" + databaseId + "'");
        }
        return lines;
    }

    /**
     * "Check that every database update completed": the host may leave etcd only when no database
     * still needs it.
     *
     * @return one log line per database
     * @throws OperationFailedException when an update failed or was canceled
     */
    public List<String> checkUpdatesCompleted(Map<String, String> updateTasks) {
        List<String> lines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        updateTasks.forEach((databaseId, taskId) -> {
            Task update = tasks.find(taskId).orElseThrow(() -> new OperationFailedException(
                    "the update task " + taskId + " of database " + databaseId + " does not exist"));
            if (!update.getStatus().isTerminal()) {
                throw new TransientException("the update of database " + databaseId + " is still " + update.getStatus()
                        .wire());
            }
            if (update.getStatus() == TaskStatus.COMPLETED) {
                lines.add("successfully removing host from database '" + databaseId + "'");
            } else {
                failures.add("failed to update database '" + databaseId + "': " + update.getStatus().wire()
                        + (update.getError() == null ? "" : " (" + update.getError() + ")"));
            }
        });
        if (!failures.isEmpty()) {
            throw new OperationFailedException(String.join("; ", failures));
        }
        return lines;
    }

    /**
     * The removal ended (failed or canceled) before some database updates started: their tasks end
     * too, and a database the removal had already marked {@code modifying} is left {@code failed}
     * (with the reason), so that a new update can repair it.
     */
    public void endUpdatesThatNeverStarted(Map<String, String> updateTasks, String hostId, boolean canceled,
                                           String reason) {
        updateTasks.forEach((databaseId, taskId) -> {
            Optional<Task> update = tasks.find(taskId);
            if (update.isEmpty() || update.get().getStatus() != TaskStatus.PENDING
                    || update.get().getProcessInstanceId() != null) {
                return;
            }
            String why = "the host removal ended before this update started: " + reason;
            if (canceled) {
                tasks.markCanceled(taskId);
            } else {
                tasks.fail(taskId, why);
            }
            Optional<DatabaseRecord> record = store.record(databaseId);
            boolean takenOut = store.spec(databaseId)
                    .map(s -> s.nodes().stream().noneMatch(n -> n.hostIds().contains(hostId))).orElse(false);
            if (record.isPresent() && record.get().state() == DatabaseState.MODIFYING && takenOut) {
                outcome.failed(databaseId, why);
            }
        });
    }
}
