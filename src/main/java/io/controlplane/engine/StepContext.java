package io.controlplane.engine;

import java.util.List;

import java.util.Map;
import java.util.Optional;

/**
 * What a running step sees: its task, its variables, and a log that shows up in the task log at once.
 * The typed accessors read the variables of {@link ProcessVariables}, so handlers never spell a
 * variable name.
 */
public interface StepContext {

    /** The task id (the process business key). */
    String taskId();

    String processInstanceId();

    /** The step's display name (the BPMN element name). */
    String stepName();

    /** The host this step runs on. */
    String hostId();

    /** This run of the step (its external task id), as the task log's step entries name it. */
    default Optional<String> stepRunId() {
        return Optional.empty();
    }

    Optional<Object> variable(String name);

    /** A variable that the process must have set; a missing one is a permanent error of the model. */
    String requireString(String name);

    /** A comma-separated string variable (the database plans' lists) as a list; missing or empty is empty. */
    default List<String> stringList(String name) {
        return OperationPlanExpressions.split(variable(name).map(Object::toString).orElse(""));
    }

    /** A {@code key=value,...} string variable as a map; missing or empty is empty. */
    default Map<String, String> stringPairs(String name) {
        return ProcessVariables.parsePairs(variable(name).map(Object::toString).orElse(""));
    }

    default String databaseId() {
        return requireString(ProcessVariables.DATABASE_ID);
    }

    /** The instance of an instance process (or of a multi-instance activity over instances). */
    default String instanceId() {
        return requireString(ProcessVariables.INSTANCE_ID);
    }

    /** The node of a multi-instance activity over nodes. */
    default String nodeName() {
        return requireString(ProcessVariables.NODE_NAME);
    }

    default String requestHost() {
        return requireString(ProcessVariables.REQUEST_HOST);
    }

    /** Whether a database operation removes everything (delete-database). */
    default boolean isDelete() {
        return ProcessVariables.DELETE.equals(variable(ProcessVariables.OPERATION).map(Object::toString).orElse(""));
    }

    default boolean forceUpdate() {
        return variable(ProcessVariables.FORCE_UPDATE).map(v -> Boolean.parseBoolean(v.toString())).orElse(false);
    }

    /** Hosts that are gone (remove-host); their instances' steps run on the request host. */
    default List<String> removeHosts() {
        return stringList(ProcessVariables.REMOVE_HOSTS);
    }

    /** Nodes whose whole Patroni scope goes (set by "Plan instances"). */
    default List<String> removedNodes() {
        return stringList(ProcessVariables.REMOVED_NODES);
    }

    /** The nodes of the mesh configure-replication builds (set by "Plan instances"). */
    default List<String> replicatedNodes() {
        return stringList(ProcessVariables.REPLICATED_NODES);
    }

    /** The source node of {@code node} when it starts as a copy (set by "Plan instances"). */
    default String nodeSource(String node) {
        String source = stringPairs(ProcessVariables.NODE_SOURCES).get(node);
        if (source == null) {
            throw new IllegalStateException("the plan names no source node for node " + node);
        }
        return source;
    }

    /** The node remove-replication-node takes out of the mesh. */
    default String removedNode() {
        return requireString(ProcessVariables.REMOVED_NODE);
    }

    /** The host that remove-host removes (not the host this step runs on, see {@link #hostId()}). */
    default String hostBeingRemoved() {
        return requireString(ProcessVariables.HOST_ID);
    }

    /** remove-host: database id → the id of its update task. */
    default Map<String, String> databaseUpdateTasks() {
        return stringPairs(ProcessVariables.DATABASE_UPDATE_TASKS);
    }

    /** The instance a switchover or failover makes primary; empty: the step chooses one. */
    default Optional<String> candidateInstanceId() {
        return variable(ProcessVariables.CANDIDATE_INSTANCE_ID).map(Object::toString).filter(s -> !s.isBlank());
    }

    default boolean skipValidation() {
        return variable(ProcessVariables.SKIP_VALIDATION).map(v -> Boolean.parseBoolean(v.toString())).orElse(false);
    }

    /** When the operation was asked for; empty when the process does not say (an ops engineer's own process). */
    default Optional<java.time.Instant> requestedAt() {
        return variable(ProcessVariables.REQUESTED_AT).map(Object::toString).filter(s -> !s.isBlank())
                .map(java.time.Instant::parse);
    }

    /** When a scheduled operation was due; empty when it ran at once. */
    default Optional<java.time.Instant> scheduledAt() {
        return variable(ProcessVariables.SCHEDULED_AT).map(Object::toString).filter(s -> !s.isBlank())
                .map(java.time.Instant::parse);
    }

    void log(String message);

    void log(String message, Map<String, ?> fields);
}
