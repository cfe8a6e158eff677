package io.controlplane.task;

import java.util.Objects;

/**
 * What a new task is about. Optional references are empty strings when absent so that the record
 * never carries null.
 */
public record NewTask(TaskScope scope, String entityId, String type, String parentId, String databaseId,
                      String nodeName, String instanceId, String hostId) {

    public NewTask {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(entityId, "entityId");
        Objects.requireNonNull(type, "type");
        parentId = Objects.requireNonNullElse(parentId, "");
        databaseId = Objects.requireNonNullElse(databaseId, "");
        nodeName = Objects.requireNonNullElse(nodeName, "");
        instanceId = Objects.requireNonNullElse(instanceId, "");
        hostId = Objects.requireNonNullElse(hostId, "");
    }

    public static NewTask forDatabase(String databaseId, String type) {
        return new NewTask(TaskScope.DATABASE, databaseId, type, "", databaseId, "", "", "");
    }

    public static NewTask forHost(String hostId, String type) {
        return new NewTask(TaskScope.HOST, hostId, type, "", "", "", "", hostId);
    }

    public NewTask withParent(String parentTaskId) {
        return new NewTask(scope, entityId, type, parentTaskId, databaseId, nodeName, instanceId, hostId);
    }

    public NewTask withNode(String node) {
        return new NewTask(scope, entityId, type, parentId, databaseId, node, instanceId, hostId);
    }

    public NewTask withInstance(String instance, String host) {
        return new NewTask(scope, entityId, type, parentId, databaseId, nodeName, instance, host);
    }
}
