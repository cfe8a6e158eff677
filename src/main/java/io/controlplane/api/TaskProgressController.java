package io.controlplane.api;

import io.controlplane.common.Identifiers;
import io.controlplane.engine.ProcessProgress;
import io.controlplane.engine.ProcessProgressReader;
import io.controlplane.task.Task;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskService;
import io.controlplane.task.Uuid7;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A task's process diagram with the state of every step (tag {@value OperationsController#EXTENSIONS}): what
 * the web UI draws next to the task log, read from the engine so that the UI needs no engine REST credentials.
 */
@RestController
class TaskProgressController {

    /** Where Cockpit shows a process instance (the web apps live under /camunda). */
    static final String COCKPIT_INSTANCE = "/camunda/app/cockpit/default/#/process-instance/";

    private final TaskService tasks;
    private final ProcessProgressReader progress;

    TaskProgressController(TaskService tasks, ProcessProgressReader progress) {
        this.tasks = tasks;
        this.progress = progress;
    }

    record ActivityJson(String activityId, String name, String state, String incidentMessage) {
    }

    record TaskProgressJson(String taskId, String taskStatus, String processInstanceId, String processDefinitionId,
                            String processDefinitionKey, String processState, String cockpitUrl, String bpmnXml,
                            List<ActivityJson> activities) {
    }

    @GetMapping("/v1/databases/{database_id}/tasks/{task_id}/progress")
    @Tag(name = OperationsController.EXTENSIONS)
    @Operation(operationId = "get-database-task-progress",
            summary = "Get the BPMN model of a database task's process and the state of each of its steps")
    TaskProgressJson databaseTaskProgress(@PathVariable("database_id") String databaseId,
                                          @PathVariable("task_id") String taskId) {
        return progressOf(task(TaskScope.DATABASE, "database_id", databaseId, taskId));
    }

    @GetMapping("/v1/hosts/{host_id}/tasks/{task_id}/progress")
    @Tag(name = OperationsController.EXTENSIONS)
    @Operation(operationId = "get-host-task-progress",
            summary = "Get the BPMN model of a host task's process and the state of each of its steps")
    TaskProgressJson hostTaskProgress(@PathVariable("host_id") String hostId, @PathVariable("task_id") String taskId) {
        return progressOf(task(TaskScope.HOST, "host_id", hostId, taskId));
    }

    private TaskProgressJson progressOf(Task task) {
        if (task.getProcessInstanceId() == null) {
            throw ApiException.notFound("task has no process instance yet");
        }
        ProcessProgress p = progress.read(task.getProcessInstanceId()).orElseThrow(
                () -> ApiException.notFound("the engine no longer knows the task's process instance"));
        return new TaskProgressJson(task.getTaskId(), task.getStatus().wire(), p.processInstanceId(),
                p.processDefinitionId(), p.processDefinitionKey(), p.state(), COCKPIT_INSTANCE + p.processInstanceId(),
                p.bpmnXml(), p.activities().stream().map(a -> new ActivityJson(a.activityId(), a.name(), a.state(),
                        a.incidentMessage().orElse(null))).toList());
    }

    private Task task(TaskScope scope, String entityParam, String entityId, String taskId) {
        if (!Identifiers.isValid(entityId)) {
            throw ApiException.invalidInput(entityParam + ": " + Identifiers.INVALID_MESSAGE);
        }
        if (!Uuid7.isUuid(taskId)) {
            throw ApiException.invalidInput("the given task ID is invalid");
        }
        return tasks.find(taskId)
                .filter(t -> t.getScope() == scope && t.getEntityId().equals(entityId))
                .orElseThrow(() -> ApiException.notFound("no task found with the given ID"));
    }
}
