package io.controlplane.database.operation;

import io.controlplane.database.DatabaseService;
import io.controlplane.engine.OperationRunner;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts removing a host (reference §2.3 remove-host): every database that used the host gets an
 * update without it, as a task of that database whose parent is the removal's task. Process
 * {@code remove-host} takes the host out of the specs, calls {@code update-database} once per
 * database with that task as business key, and checks the outcome before the host leaves etcd
 * ({@link HostRemovalUpdates}).
 */
@Service
public class HostRemoval {

    /** Task type of a host removal (pgEdge). */
    public static final String TASK_TYPE = "remove_host";

    private final DatabaseService databases;
    private final OperationRunner runner;
    private final TaskService tasks;

    public HostRemoval(DatabaseService databases, OperationRunner runner, TaskService tasks) {
        this.databases = databases;
        this.runner = runner;
        this.tasks = tasks;
    }

    /** The removal's task and the pending update task of each database that used the host. */
    public record Started(Task task, List<Task> databaseUpdates) {
    }

    /**
     * Starts {@code remove-host}: its task, one pending {@code update} task per database that uses the
     * host (children of the removal, returned to the API caller at once) and the process, in one
     * transaction. The process does the rest.
     */
    @Transactional
    public Started start(String hostId, boolean force, String requestHost) {
        List<String> databaseIds = databases.databasesUsingHost(hostId);
        List<Task> updates = new ArrayList<>();
        Task task = runner.start(NewTask.forHost(hostId, TASK_TYPE), ProcessKeys.REMOVE_HOST, removal -> {
            Map<String, String> updateTasks = new LinkedHashMap<>();
            for (String databaseId : databaseIds) {
                Task update = tasks.create(NewTask.forDatabase(databaseId, ProcessVariables.UPDATE)
                        .withParent(removal.getTaskId()));
                updates.add(update);
                updateTasks.put(databaseId, update.getTaskId());
            }
            return ProcessVariables.removeHost(hostId, force, requestHost, updateTasks);
        });
        return new Started(task, List.copyOf(updates));
    }
}
