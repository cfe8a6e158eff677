package io.controlplane.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of a task's log: a step event or a message a step wrote. */
@Entity
@Table(name = "cp_task_log_entry", indexes = @Index(name = "cp_task_log_task", columnList = "task_id, entry_id"))
public class TaskLogEntry {

    @Id
    @Column(name = "entry_id", length = 36)
    private String entryId;

    @Column(name = "task_id", nullable = false, length = 36)
    private String taskId;

    @Column(nullable = false)
    private Instant timestamp;

    @Column(nullable = false, length = 4000)
    private String message;

    /** The entry's fields as a JSON object, or null. */
    @Lob
    @Column(name = "fields_json")
    private String fieldsJson;

    protected TaskLogEntry() {
    }

    TaskLogEntry(String entryId, String taskId, Instant timestamp, String message, String fieldsJson) {
        this.entryId = entryId;
        this.taskId = taskId;
        this.timestamp = timestamp;
        this.message = message.length() <= 4000 ? message : message.substring(0, 3997) + "...";
        this.fieldsJson = fieldsJson;
    }

    public String getEntryId() {
        return entryId;
    }

    public String getTaskId() {
        return taskId;
    }

    public Instant getTimestamp() {
        return timestamp;
    }

    public String getMessage() {
        return message;
    }

    public String getFieldsJson() {
        return fieldsJson;
    }
}
