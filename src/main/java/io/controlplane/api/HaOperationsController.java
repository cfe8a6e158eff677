package io.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.controlplane.common.Identifiers;
import io.controlplane.database.HaOperationService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HA endpoints (reference §2.2 #19, #20, #27–29): switchover and failover of a node, restart, stop
 * and start of an instance. Each starts a BPMN process and answers with its task.
 */
@RestController
class HaOperationsController {

    private static final Pattern NODE_NAME = Pattern.compile("^n[0-9]+$");

    private final HaOperationService operations;

    HaOperationsController(HaOperationService operations) {
        this.operations = operations;
    }

    record TaskResponseJson(TaskView.TaskJson task) {
    }

    @PostMapping("/v1/databases/{database_id}/nodes/{node_name}/switchover")
    @Tag(name = "Database")
    @Operation(operationId = "switchover-database-node",
            summary = "Switch the node's primary over to a replica, now or at scheduled_at (process switchover-node)")
    TaskResponseJson switchover(@PathVariable("database_id") String databaseId,
                                @PathVariable("node_name") String nodeName,
                                @RequestBody(required = false) JsonNode body) {
        checkNode(databaseId, nodeName);
        return new TaskResponseJson(TaskView.of(operations.switchover(databaseId, nodeName, orNull(body))));
    }

    @PostMapping("/v1/databases/{database_id}/nodes/{node_name}/failover")
    @Tag(name = "Database")
    @Operation(operationId = "failover-database-node",
            summary = "Make a replica the node's primary when the primary is unhealthy (process failover-node)")
    TaskResponseJson failover(@PathVariable("database_id") String databaseId,
                              @PathVariable("node_name") String nodeName,
                              @RequestBody(required = false) JsonNode body) {
        checkNode(databaseId, nodeName);
        return new TaskResponseJson(TaskView.of(operations.failover(databaseId, nodeName, orNull(body))));
    }

    @PostMapping("/v1/databases/{database_id}/instances/{instance_id}/restart")
    @Tag(name = "Database")
    @Operation(operationId = "restart-instance",
            summary = "Restart Postgres of an instance, now or at scheduled_at (process restart-instance)")
    TaskResponseJson restart(@PathVariable("database_id") String databaseId,
                             @PathVariable("instance_id") String instanceId,
                             @RequestBody(required = false) JsonNode body) {
        checkInstance(databaseId, instanceId);
        return new TaskResponseJson(TaskView.of(operations.restart(databaseId, instanceId, orNull(body))));
    }

    @PostMapping("/v1/databases/{database_id}/instances/{instance_id}/stop-instance")
    @Tag(name = "Database")
    @Operation(operationId = "stop-instance", summary = "Stop an instance's container (process stop-instance)")
    TaskResponseJson stop(@PathVariable("database_id") String databaseId,
                          @PathVariable("instance_id") String instanceId,
                          @RequestParam(required = false, defaultValue = "false") boolean force) {
        checkInstance(databaseId, instanceId);
        return new TaskResponseJson(TaskView.of(operations.stop(databaseId, instanceId, force)));
    }

    @PostMapping("/v1/databases/{database_id}/instances/{instance_id}/start-instance")
    @Tag(name = "Database")
    @Operation(operationId = "start-instance", summary = "Start a stopped instance again (process start-instance)")
    TaskResponseJson start(@PathVariable("database_id") String databaseId,
                           @PathVariable("instance_id") String instanceId,
                           @RequestParam(required = false, defaultValue = "false") boolean force) {
        checkInstance(databaseId, instanceId);
        return new TaskResponseJson(TaskView.of(operations.start(databaseId, instanceId, force)));
    }

    private static JsonNode orNull(JsonNode body) {
        return body == null ? NullNode.getInstance() : body;
    }

    private static void checkNode(String databaseId, String nodeName) {
        checkDatabase(databaseId);
        if (!NODE_NAME.matcher(nodeName).matches()) {
            throw ApiException.invalidInput("node_name: \"" + nodeName + "\" is not a node name (n followed by digits)");
        }
    }

    private static void checkInstance(String databaseId, String instanceId) {
        checkDatabase(databaseId);
        if (instanceId.isEmpty() || instanceId.length() > 63) {
            throw ApiException.invalidInput("instance_id: must be 1 to 63 characters");
        }
    }

    private static void checkDatabase(String databaseId) {
        if (!Identifiers.isValid(databaseId)) {
            throw ApiException.invalidInput("database_id: " + Identifiers.INVALID_MESSAGE);
        }
    }
}
