package io.controlplane.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.common.Identifiers;
import io.controlplane.engine.OperationRunner;
import io.controlplane.task.Task;
import io.controlplane.task.TaskQuery;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskService;
import io.controlplane.task.Uuid7;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Task endpoints (reference §2.2 #9–11, #22–26). */
@RestController
class TaskController {

    private static final Set<String> ASCENDING = Set.of("asc", "ascend", "ascending");
    private static final Set<String> DESCENDING = Set.of("desc", "descend", "descending");

    private final TaskService tasks;
    private final OperationRunner runner;
    private final ObjectMapper json;

    TaskController(TaskService tasks, OperationRunner runner, ObjectMapper json) {
        this.tasks = tasks;
        this.runner = runner;
        this.json = json;
    }

    @GetMapping("/v1/tasks")
    @Tag(name = "System")
    @Operation(operationId = "list-tasks", summary = "List tasks of the whole cluster, newest first by default")
    TaskView.TaskListJson listTasks(@RequestParam(required = false) String scope,
                                    @RequestParam(name = "entity_id", required = false) String entityId,
                                    @RequestParam(name = "after_task_id", required = false) String afterTaskId,
                                    @RequestParam(required = false) Integer limit,
                                    @RequestParam(name = "sort_order", required = false) String sortOrder) {
        Optional<TaskScope> parsedScope = Optional.empty();
        if (scope != null) {
            parsedScope = Optional.of(TaskScope.parse(scope).orElseThrow(
                    () -> ApiException.invalidInput("scope: must be one of database, host")));
        }
        if (entityId != null && parsedScope.isEmpty()) {
            throw ApiException.invalidInput("entity_id requires scope to be set");
        }
        if (entityId != null) {
            identifier("entity_id", entityId);
        }
        return TaskView.list(tasks.list(query(parsedScope, Optional.ofNullable(entityId), afterTaskId, limit, sortOrder)));
    }

    @GetMapping("/v1/hosts/{host_id}/tasks")
    @Tag(name = "Host")
    @Operation(operationId = "list-host-tasks", summary = "List the tasks of a host")
    TaskView.TaskListJson listHostTasks(@PathVariable("host_id") String hostId,
                                        @RequestParam(name = "after_task_id", required = false) String afterTaskId,
                                        @RequestParam(required = false) Integer limit,
                                        @RequestParam(name = "sort_order", required = false) String sortOrder) {
        identifier("host_id", hostId);
        return TaskView.list(tasks.list(query(Optional.of(TaskScope.HOST), Optional.of(hostId), afterTaskId, limit,
                sortOrder)));
    }

    @GetMapping("/v1/hosts/{host_id}/tasks/{task_id}")
    @Tag(name = "Host")
    @Operation(operationId = "get-host-task", summary = "Get a task of a host")
    TaskView.TaskJson getHostTask(@PathVariable("host_id") String hostId, @PathVariable("task_id") String taskId) {
        return TaskView.of(task(TaskScope.HOST, "host_id", hostId, taskId));
    }

    @GetMapping("/v1/hosts/{host_id}/tasks/{task_id}/logs")
    @Tag(name = "Host")
    @Operation(operationId = "get-host-task-log", summary = "Get the log of a host task")
    TaskView.TaskLogJson getHostTaskLog(@PathVariable("host_id") String hostId, @PathVariable("task_id") String taskId,
                                        @RequestParam(name = "after_entry_id", required = false) String afterEntryId,
                                        @RequestParam(required = false) Integer limit) {
        return log(task(TaskScope.HOST, "host_id", hostId, taskId), afterEntryId, limit);
    }

    @GetMapping("/v1/databases/{database_id}/tasks")
    @Tag(name = "Database")
    @Operation(operationId = "list-database-tasks", summary = "List the tasks of a database")
    TaskView.TaskListJson listDatabaseTasks(@PathVariable("database_id") String databaseId,
                                            @RequestParam(name = "after_task_id", required = false) String afterTaskId,
                                            @RequestParam(required = false) Integer limit,
                                            @RequestParam(name = "sort_order", required = false) String sortOrder) {
        identifier("database_id", databaseId);
        return TaskView.list(tasks.list(query(Optional.of(TaskScope.DATABASE), Optional.of(databaseId), afterTaskId,
                limit, sortOrder)));
    }

    @GetMapping("/v1/databases/{database_id}/tasks/{task_id}")
    @Tag(name = "Database")
    @Operation(operationId = "get-database-task", summary = "Get a task of a database")
    TaskView.TaskJson getDatabaseTask(@PathVariable("database_id") String databaseId,
                                      @PathVariable("task_id") String taskId) {
        return TaskView.of(task(TaskScope.DATABASE, "database_id", databaseId, taskId));
    }

    @GetMapping("/v1/databases/{database_id}/tasks/{task_id}/log")
    @Tag(name = "Database")
    @Operation(operationId = "get-database-task-log", summary = "Get the log of a database task")
    TaskView.TaskLogJson getDatabaseTaskLog(@PathVariable("database_id") String databaseId,
                                            @PathVariable("task_id") String taskId,
                                            @RequestParam(name = "after_entry_id", required = false) String afterEntryId,
                                            @RequestParam(required = false) Integer limit) {
        return log(task(TaskScope.DATABASE, "database_id", databaseId, taskId), afterEntryId, limit);
    }

    @GetMapping("/v1/databases/{database_id}/tasks/{task_id}/cancel")
    @Tag(name = "Database")
    @Operation(operationId = "cancel-database-task", summary = "Cancel a pending or running database task")
    TaskView.TaskJson cancelDatabaseTask(@PathVariable("database_id") String databaseId,
                                         @PathVariable("task_id") String taskId) {
        identifier("database_id", databaseId);
        taskIdFormat(taskId);
        Task task = tasks.find(taskId).orElseThrow(() -> ApiException.notFound("no task found with the given ID"));
        if (task.getScope() != TaskScope.DATABASE || !task.getEntityId().equals(databaseId)) {
            throw ApiException.invalidInput("task is not associated with database");
        }
        if (!task.getStatus().isActive()) {
            throw ApiException.invalidInput("task must be running or pending to be cancelled");
        }
        if (!runner.cancel(taskId)) {
            throw ApiException.invalidInput("task must be running or pending to be cancelled");
        }
        return TaskView.of(tasks.find(taskId).orElseThrow());
    }

    @PostMapping("/v1/databases/{database_id}/tasks/{task_id}/retry")
    @Tag(name = OperationsController.EXTENSIONS)
    @Operation(operationId = "retry-database-task",
            summary = "Retry the failed step of a database task that waits on an incident (as Retry in Cockpit)")
    TaskView.TaskJson retryDatabaseTask(@PathVariable("database_id") String databaseId,
                                        @PathVariable("task_id") String taskId) {
        return retry(task(TaskScope.DATABASE, "database_id", databaseId, taskId));
    }

    @PostMapping("/v1/hosts/{host_id}/tasks/{task_id}/retry")
    @Tag(name = OperationsController.EXTENSIONS)
    @Operation(operationId = "retry-host-task",
            summary = "Retry the failed step of a host task that waits on an incident (as Retry in Cockpit)")
    TaskView.TaskJson retryHostTask(@PathVariable("host_id") String hostId, @PathVariable("task_id") String taskId) {
        return retry(task(TaskScope.HOST, "host_id", hostId, taskId));
    }

    /** The API has no users yet: a retry through it is recorded as done by "api". */
    private TaskView.TaskJson retry(Task task) {
        if (task.getStatus().isTerminal()) {
            throw ApiException.invalidInput("task has ended (" + task.getStatus().wire() + "): there is no step to"
                    + " retry; start a new operation");
        }
        List<String> retried = runner.retry(task.getTaskId(), "api");
        if (retried.isEmpty()) {
            throw ApiException.invalidInput("task has no failed step waiting for a retry (status "
                    + task.getStatus().wire() + ")");
        }
        return TaskView.of(tasks.find(task.getTaskId()).orElseThrow());
    }

    private Task task(TaskScope scope, String entityParam, String entityId, String taskId) {
        identifier(entityParam, entityId);
        taskIdFormat(taskId);
        return tasks.find(taskId)
                .filter(t -> t.getScope() == scope && t.getEntityId().equals(entityId))
                .orElseThrow(() -> ApiException.notFound("no task found with the given ID"));
    }

    private TaskView.TaskLogJson log(Task task, String afterEntryId, Integer limit) {
        if (afterEntryId != null && !Uuid7.isUuid(afterEntryId)) {
            throw ApiException.invalidInput("after_entry_id: must be a UUID");
        }
        return TaskView.log(tasks.logOf(task, Optional.ofNullable(afterEntryId), limit(limit)), this::fields);
    }

    private Map<String, Object> fields(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return json.readValue(stored, new TypeReference<>() { });
        } catch (IOException e) {
            return Map.of("raw", stored);
        }
    }

    private static TaskQuery query(Optional<TaskScope> scope, Optional<String> entityId, String afterTaskId,
                                   Integer limit, String sortOrder) {
        if (afterTaskId != null && !Uuid7.isUuid(afterTaskId)) {
            throw ApiException.invalidInput("after_task_id: must be a UUID");
        }
        boolean ascending = false;
        if (sortOrder != null) {
            if (ASCENDING.contains(sortOrder)) {
                ascending = true;
            } else if (!DESCENDING.contains(sortOrder)) {
                throw ApiException.invalidInput(
                        "sort_order: must be one of asc, ascend, ascending, desc, descend, descending");
            }
        }
        return new TaskQuery(scope, entityId, Optional.ofNullable(afterTaskId), limit(limit), ascending);
    }

    private static int limit(Integer limit) {
        if (limit == null) {
            return 0;
        }
        if (limit < 0) {
            throw ApiException.invalidInput("limit: must not be negative");
        }
        return limit;
    }

    private static void identifier(String param, String value) {
        if (!Identifiers.isValid(value)) {
            throw ApiException.invalidInput(param + ": " + Identifiers.INVALID_MESSAGE);
        }
    }

    private static void taskIdFormat(String taskId) {
        if (!Uuid7.isUuid(taskId)) {
            throw ApiException.invalidInput("the given task ID is invalid");
        }
    }
}
