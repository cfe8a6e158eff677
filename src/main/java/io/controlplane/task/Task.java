package io.controlplane.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** One operation, as pgEdge's task model (reference §4). Mutated only through {@link TaskService}. */
@Entity
@Table(name = "cp_task", indexes = {
        @Index(name = "cp_task_entity", columnList = "scope, entity_id, task_id"),
        @Index(name = "cp_task_status", columnList = "status")})
public class Task {

    @Id
    @Column(name = "task_id", length = 36)
    private String taskId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private TaskScope scope;

    @Column(name = "entity_id", nullable = false, length = 64)
    private String entityId;

    @Column(name = "parent_id", length = 36)
    private String parentId;

    @Column(name = "database_id", length = 64)
    private String databaseId;

    @Column(name = "node_name", length = 16)
    private String nodeName;

    @Column(name = "instance_id", length = 128)
    private String instanceId;

    @Column(name = "host_id", length = 64)
    private String hostId;

    @Column(nullable = false, length = 32)
    private String type;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private TaskStatus status;

    @Column(length = 4000)
    private String error;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "completed_at")
    private Instant completedAt;

    @Column(name = "process_key", length = 128)
    private String processKey;

    @Column(name = "process_instance_id", length = 64)
    private String processInstanceId;

    @Version
    private long version;

    protected Task() {
    }

    Task(String taskId, TaskScope scope, String entityId, String type, Instant createdAt) {
        this.taskId = taskId;
        this.scope = scope;
        this.entityId = entityId;
        this.type = type;
        this.status = TaskStatus.PENDING;
        this.createdAt = createdAt;
    }

    public String getTaskId() {
        return taskId;
    }

    public TaskScope getScope() {
        return scope;
    }

    public String getEntityId() {
        return entityId;
    }

    public String getParentId() {
        return parentId;
    }

    public String getDatabaseId() {
        return databaseId;
    }

    public String getNodeName() {
        return nodeName;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public String getHostId() {
        return hostId;
    }

    public String getType() {
        return type;
    }

    public TaskStatus getStatus() {
        return status;
    }

    public String getError() {
        return error;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getCompletedAt() {
        return completedAt;
    }

    public String getProcessKey() {
        return processKey;
    }

    public String getProcessInstanceId() {
        return processInstanceId;
    }

    void setParentId(String parentId) {
        this.parentId = parentId;
    }

    void setDatabaseId(String databaseId) {
        this.databaseId = databaseId;
    }

    void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    void setHostId(String hostId) {
        this.hostId = hostId;
    }

    void setProcessKey(String processKey) {
        this.processKey = processKey;
    }

    void setProcessInstanceId(String processInstanceId) {
        this.processInstanceId = processInstanceId;
    }

    /**
     * Moves to a new status unless the task already ended; returns whether it changed. A task waiting on an
     * incident reads failed, with the error and the time it failed; resuming or canceling it clears both.
     */
    boolean transition(TaskStatus next, String error, Instant now) {
        if (status.isTerminal() || status == next) {
            return false;
        }
        boolean leftIncident = status == TaskStatus.INCIDENT;
        this.status = next;
        if (next.isTerminal() || next == TaskStatus.INCIDENT) {
            this.completedAt = now;
            this.error = error == null ? null : truncate(error);
        } else if (leftIncident) {
            this.completedAt = null;
            this.error = null;
        }
        return true;
    }

    /**
     * While a cancel's cleanup waits on an incident the task stays {@code canceling} and its error says why;
     * null once the cleanup runs again. Returns whether the error changed.
     */
    boolean noteCleanupError(String errorOrNull) {
        String next = errorOrNull == null ? null : truncate(errorOrNull);
        if (status != TaskStatus.CANCELING || java.util.Objects.equals(error, next)) {
            return false;
        }
        this.error = next;
        return true;
    }

    private static String truncate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }
}
