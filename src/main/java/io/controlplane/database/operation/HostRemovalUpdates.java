package io.controlplane.database.operation;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.TransientException;
import io.controlplane.task.Task;
import io.controlplane.task.TaskQuery;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * "Wait for database updates" of remove-host: the host leaves etcd only after every database that
 * used it has been updated without it (its update tasks are children of the remove-host task).
 */
@Service
public class HostRemovalUpdates {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final TaskService tasks;

    public HostRemovalUpdates(TaskService tasks) {
        this.tasks = tasks;
    }

    /** @return a summary once all updates completed; a failed update fails the removal */
    public String await(String removeHostTaskId, List<String> databaseIds) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            List<String> waiting = new ArrayList<>();
            for (String db : databaseIds) {
                Optional<Task> update = tasks.list(TaskQuery.of(TaskScope.DATABASE, db)).stream()
                        .filter(t -> removeHostTaskId.equals(t.getParentId())).findFirst();
                if (update.isEmpty() || !update.get().getStatus().isTerminal()) {
                    waiting.add(db);
                } else if (update.get().getStatus() != TaskStatus.COMPLETED) {
                    throw new OperationFailedException("the update of database " + db + " ended "
                            + update.get().getStatus().wire() + ": " + update.get().getError());
                }
            }
            if (waiting.isEmpty()) {
                return databaseIds.isEmpty() ? "no database used the host"
                        : "updated databases " + String.join(", ", databaseIds);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TransientException("still updating databases " + String.join(", ", waiting));
            }
            InstanceLifecycle.sleep(Duration.ofSeconds(2));
        }
    }
}
