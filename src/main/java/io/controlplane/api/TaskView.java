package io.controlplane.api;

import io.controlplane.task.Task;
import io.controlplane.task.TaskLogEntry;
import io.controlplane.task.TaskLogPage;
import io.controlplane.task.TaskScope;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The JSON shapes of tasks and task logs (reference §2.4). */
final class TaskView {

    private TaskView() {
    }

    record TaskJson(String scope, String entityId, String taskId, String parentId, String databaseId,
                    String nodeName, String instanceId, String hostId, String type, String status,
                    String createdAt, String completedAt, String error, String processInstanceId) {
    }

    record TaskListJson(List<TaskJson> tasks) {
    }

    record TaskLogEntryJson(String timestamp, String message, Map<String, Object> fields) {
    }

    record TaskLogJson(String scope, String entityId, String taskId, String databaseId, String taskStatus,
                       String lastEntryId, List<TaskLogEntryJson> entries) {
    }

    static TaskJson of(Task t) {
        return new TaskJson(t.getScope().wire(), t.getEntityId(), t.getTaskId(), t.getParentId(), t.getDatabaseId(),
                t.getNodeName(), t.getInstanceId(), t.getHostId(), t.getType(), t.getStatus().wire(),
                seconds(t.getCreatedAt()), t.getCompletedAt() == null ? null : seconds(t.getCompletedAt()),
                t.getError(), t.getProcessInstanceId());
    }

    static TaskListJson list(List<Task> tasks) {
        return new TaskListJson(tasks.stream().map(TaskView::of).toList());
    }

    static TaskLogJson log(TaskLogPage page, JsonFields fields) {
        Task t = page.task();
        return new TaskLogJson(t.getScope().wire(), t.getEntityId(), t.getTaskId(),
                t.getScope() == TaskScope.DATABASE ? t.getEntityId() : null, t.getStatus().wire(),
                page.lastEntryId().orElse(null),
                page.entries().stream().map(e -> entry(e, fields)).toList());
    }

    private static TaskLogEntryJson entry(TaskLogEntry e, JsonFields fields) {
        return new TaskLogEntryJson(DateTimeFormatter.ISO_INSTANT.format(e.getTimestamp()), e.getMessage(),
                fields.parse(e.getFieldsJson()));
    }

    private static String seconds(Instant i) {
        return DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Reads stored log fields back into a JSON object. */
    interface JsonFields {
        Map<String, Object> parse(String json);
    }
}
