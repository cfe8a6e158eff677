package io.controlplane.engine;

import java.util.List;

import java.util.Map;
import java.util.Optional;

/** What a running step sees: its task, its variables, and a log that shows up in the task log at once. */
public interface StepContext {

    /** The task id (the process business key). */
    String taskId();

    String processInstanceId();

    /** The step's display name (the BPMN element name). */
    String stepName();

    /** The host this step runs on. */
    String hostId();

    Optional<Object> variable(String name);

    /** A variable that the process must have set; a missing one is a permanent error of the model. */
    String requireString(String name);

    /** A comma-separated string variable (the database plans' lists) as a list; missing or empty is empty. */
    default List<String> stringList(String name) {
        return OperationPlanExpressions.split(variable(name).map(Object::toString).orElse(""));
    }

    void log(String message);

    void log(String message, Map<String, ?> fields);
}
