package io.controlplane.api;

import io.controlplane.engine.ProcessInstanceTasks;
import io.controlplane.task.Task;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskService;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The way back from Cockpit: its process instance page links here (our Cockpit script
 * {@code control-plane-links.js}), and this sends the browser to the UI's page of the task that process
 * instance works for.
 */
@RestController
@Hidden
class CockpitLinkController {

    private final ProcessInstanceTasks processInstances;
    private final TaskService tasks;

    CockpitLinkController(ProcessInstanceTasks processInstances, TaskService tasks) {
        this.processInstances = processInstances;
        this.tasks = tasks;
    }

    @GetMapping("/ui/tasks/by-process-instance/{process_instance_id}")
    ResponseEntity<Void> taskPage(@PathVariable("process_instance_id") String processInstanceId) {
        if (!processInstanceId.matches("[A-Za-z0-9-]{1,64}")) {
            throw ApiException.invalidInput("process_instance_id: must be a process instance id");
        }
        Task task = processInstances.taskIdOf(processInstanceId).flatMap(tasks::find)
                .orElseThrow(() -> ApiException.notFound("no task runs process instance " + processInstanceId));
        String scope = task.getScope() == TaskScope.HOST ? "hosts" : "databases";
        String page = "/ui/#/" + scope + "/" + URLEncoder.encode(task.getEntityId(), StandardCharsets.UTF_8)
                + "/tasks/" + task.getTaskId();
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(page)).build();
    }
}
