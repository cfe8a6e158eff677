package io.controlplane.engine;

import io.controlplane.task.TaskScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;

/**
 * A process an ops engineer marked as an operation of their own, with extension properties on the
 * process element (Modeler: select the process, "Extension properties"):
 * <ul>
 *   <li>{@value #OPERATION}: {@code database} or {@code host}, what it works on; it is started with
 *       {@code POST /v1/databases/{id}/operations/{process_key}} (or {@code /v1/hosts/...}) or from
 *       Tasklist / {@code /engine-rest} with the variable {@code databaseId} ({@code hostId});</li>
 *   <li>{@value #TASK_TYPE} (optional): the task's {@code type}, default {@code custom};</li>
 *   <li>{@value #INPUTS} (optional): comma-separated names of the process variables a start may (and
 *       must) give, e.g. {@code username}.</li>
 * </ul>
 */
public record CustomOperationModel(String processKey, TaskScope scope, String taskType, List<String> inputs) {

    public static final String OPERATION = "controlplane.operation";
    public static final String TASK_TYPE = "controlplane.task_type";
    public static final String INPUTS = "controlplane.inputs";
    public static final String DEFAULT_TASK_TYPE = "custom";

    private static final Pattern TASK_TYPE_FORMAT = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    public CustomOperationModel {
        inputs = List.copyOf(inputs);
    }

    /** The marking of {@code process}, if it has one; {@link #problems} says whether it is valid. */
    public static Optional<CustomOperationModel> of(Process process) {
        Map<String, String> properties = properties(process);
        String scope = properties.get(OPERATION);
        if (scope == null) {
            return Optional.empty();
        }
        TaskScope parsed = TaskScope.parse(scope.trim().toLowerCase(Locale.ROOT)).orElse(null);
        String type = properties.getOrDefault(TASK_TYPE, DEFAULT_TASK_TYPE).trim();
        List<String> inputs = ProcessVariables.parseList(properties.getOrDefault(INPUTS, ""));
        return Optional.of(new CustomOperationModel(process.getId(), parsed, type, inputs));
    }

    /** What is wrong with the marking; empty when the operation can be started. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (scope == null) {
            problems.add("extension property " + OPERATION + " must be 'database' or 'host'");
        }
        if (!TASK_TYPE_FORMAT.matcher(taskType).matches()) {
            problems.add("extension property " + TASK_TYPE + " '" + taskType
                    + "' must be 1-32 lowercase letters, digits or underscores, starting with a letter");
        }
        for (String input : inputs) {
            if (!VARIABLE_NAME.matcher(input).matches()) {
                problems.add("input '" + input + "' of " + INPUTS + " is not a variable name");
            } else if (startVariables(scope, List.of()).contains(input)) {
                problems.add("input '" + input + "' of " + INPUTS + " is set by the control plane itself");
            }
        }
        return problems;
    }

    /** The variables the control plane starts it with (task id, request host, the database or host id). */
    public static List<String> startVariables(TaskScope scope, List<String> inputs) {
        List<String> vars = new ArrayList<>(List.of(ProcessVariables.TASK_ID, ProcessVariables.REQUEST_HOST,
                ProcessVariables.OPERATION));
        vars.add(scope == TaskScope.HOST ? ProcessVariables.HOST_ID : ProcessVariables.DATABASE_ID);
        vars.addAll(inputs);
        return vars;
    }

    public List<String> startVariables() {
        return startVariables(scope, inputs);
    }

    /** The id variable of what it works on: {@code databaseId} or {@code hostId}. */
    public String entityVariable() {
        return scope == TaskScope.HOST ? ProcessVariables.HOST_ID : ProcessVariables.DATABASE_ID;
    }

    private static Map<String, String> properties(Process process) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (process.getExtensionElements() == null) {
            return properties;
        }
        for (CamundaProperties list : process.getExtensionElements().getElementsQuery()
                .filterByType(CamundaProperties.class).list()) {
            for (CamundaProperty p : list.getCamundaProperties()) {
                if (p.getCamundaName() != null && p.getCamundaValue() != null) {
                    properties.put(p.getCamundaName(), p.getCamundaValue());
                }
            }
        }
        return properties;
    }
}
