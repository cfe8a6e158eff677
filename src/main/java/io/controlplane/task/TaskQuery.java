package io.controlplane.task;

import java.util.Optional;

/**
 * A page of tasks: optional scope and entity, a continuation cursor (exclusive, in the chosen order)
 * and a limit (0 = all). Newest first is pgEdge's default order.
 */
public record TaskQuery(Optional<TaskScope> scope, Optional<String> entityId, Optional<String> afterTaskId,
                        int limit, boolean ascending) {

    public static TaskQuery all() {
        return new TaskQuery(Optional.empty(), Optional.empty(), Optional.empty(), 0, false);
    }

    public static TaskQuery of(TaskScope scope, String entityId) {
        return new TaskQuery(Optional.of(scope), Optional.of(entityId), Optional.empty(), 0, false);
    }
}
