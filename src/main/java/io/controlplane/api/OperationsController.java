package io.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.common.Identifiers;
import io.controlplane.engine.CustomOperationModel;
import io.controlplane.engine.CustomOperations;
import io.controlplane.engine.ProcessDirectoryDeployer;
import io.controlplane.task.TaskScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints beyond pgEdge's API (tag {@value #EXTENSIONS}): operations that ops engineers compose in
 * BPMN and start on a database or host, and deploying the BPMN files of {@code engine.processes_dir}.
 */
@RestController
class OperationsController {

    /** The OpenAPI tag of every endpoint that pgEdge's document does not define. */
    static final String EXTENSIONS = "Extensions";
    private static final Pattern PROCESS_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    private final CustomOperations operations;
    private final ProcessDirectoryDeployer deployer;

    OperationsController(CustomOperations operations, ProcessDirectoryDeployer deployer) {
        this.operations = operations;
        this.deployer = deployer;
    }

    record StartedJson(TaskView.TaskJson task) {
    }

    record OperationJson(String processKey, String scope, String taskType, List<String> inputs) {
    }

    record OperationListJson(List<OperationJson> operations) {
    }

    record DeployedJson(String processKey, int version, String processDefinitionId, String resource) {
    }

    record DeploymentJson(String directory, List<DeployedJson> deployed, List<String> unchanged) {
    }

    @GetMapping("/v1/operations")
    @Tag(name = EXTENSIONS)
    @Operation(operationId = "list-custom-operations",
            summary = "List the deployed processes marked as operations (extension property controlplane.operation)")
    OperationListJson list() {
        return new OperationListJson(operations.list().stream().map(OperationsController::json).toList());
    }

    @PostMapping("/v1/databases/{database_id}/operations/{process_key}")
    @Tag(name = EXTENSIONS)
    @Operation(operationId = "start-database-operation",
            summary = "Start an ops engineer's operation (a deployed BPMN process) on a database as a task")
    StartedJson startOnDatabase(@PathVariable("database_id") String databaseId,
                                @PathVariable("process_key") String processKey,
                                @RequestBody(required = false) JsonNode body) {
        return start(TaskScope.DATABASE, "database_id", databaseId, processKey, body);
    }

    @PostMapping("/v1/hosts/{host_id}/operations/{process_key}")
    @Tag(name = EXTENSIONS)
    @Operation(operationId = "start-host-operation",
            summary = "Start an ops engineer's operation (a deployed BPMN process) on a host as a task")
    StartedJson startOnHost(@PathVariable("host_id") String hostId, @PathVariable("process_key") String processKey,
                            @RequestBody(required = false) JsonNode body) {
        return start(TaskScope.HOST, "host_id", hostId, processKey, body);
    }

    @PostMapping("/v1/processes/deploy")
    @Tag(name = EXTENSIONS)
    @Operation(operationId = "deploy-processes",
            summary = "Check and deploy the BPMN files of engine.processes_dir now (changed files become new versions)")
    DeploymentJson deploy() {
        if (deployer.directory().isEmpty()) {
            throw ApiException.invalidInput("engine.processes_dir is not set: there is no directory to deploy from");
        }
        ProcessDirectoryDeployer.Result result = deployer.deploy();
        return new DeploymentJson(deployer.directory().get().toString(), result.deployed().stream()
                .map(d -> new DeployedJson(d.processKey(), d.version(), d.processDefinitionId(), d.resource())).toList(),
                result.unchanged());
    }

    private StartedJson start(TaskScope scope, String param, String entityId, String processKey, JsonNode body) {
        if (!Identifiers.isValid(entityId)) {
            throw ApiException.invalidInput(param + ": " + Identifiers.INVALID_MESSAGE);
        }
        if (!PROCESS_KEY.matcher(processKey).matches()) {
            throw ApiException.invalidInput("process_key: must be a BPMN process id (letters, digits, _ . -)");
        }
        return new StartedJson(TaskView.of(operations.start(scope, entityId, processKey, inputs(body))));
    }

    /** The body {@code {"variables": {"name": value}}}: each value a string, number or boolean. */
    private static Map<String, Object> inputs(JsonNode body) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        if (body == null || body.isNull() || body.isMissingNode()) {
            return inputs;
        }
        if (!body.isObject()) {
            throw ApiException.invalidInput("the request body must be a JSON object");
        }
        JsonNode variables = body.path("variables");
        if (variables.isMissingNode() || variables.isNull()) {
            return inputs;
        }
        if (!variables.isObject()) {
            throw ApiException.invalidInput("variables: must be an object of names to strings, numbers or booleans");
        }
        variables.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                inputs.put(e.getKey(), v.asText());
            } else if (v.isBoolean()) {
                inputs.put(e.getKey(), v.asBoolean());
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                inputs.put(e.getKey(), v.asLong());
            } else if (v.isNumber()) {
                inputs.put(e.getKey(), v.asDouble());
            } else {
                throw ApiException.invalidInput("variables." + e.getKey() + ": must be a string, number or boolean");
            }
        });
        return inputs;
    }

    private static OperationJson json(CustomOperationModel m) {
        return new OperationJson(m.processKey(), m.scope() == null ? null : m.scope().wire(), m.taskType(), m.inputs());
    }
}
