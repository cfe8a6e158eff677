package io.controlplane.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.criteria.Predicate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates tasks, moves them through their statuses and keeps their logs. Methods join the caller's
 * transaction (the engine's, when called from a process step) unless their name says otherwise.
 */
@Service("operationTaskService")
@Transactional
public class TaskService {

    private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TaskRepository tasks;
    private final TaskLogEntryRepository entries;
    private final TransactionTemplate separateTransaction;
    private final Clock clock;
    private final MeterRegistry meterRegistry;

    public TaskService(TaskRepository tasks, TaskLogEntryRepository entries,
                       PlatformTransactionManager transactionManager, MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
        this.tasks = tasks;
        this.entries = entries;
        this.separateTransaction = new TransactionTemplate(transactionManager);
        this.separateTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = Clock.systemUTC();
    }

    public Task create(NewTask spec) {
        Task task = new Task(Uuid7.next().toString(), spec.scope(), spec.entityId(), spec.type(), now());
        task.setParentId(blankToNull(spec.parentId()));
        task.setDatabaseId(blankToNull(spec.databaseId()));
        task.setNodeName(blankToNull(spec.nodeName()));
        task.setInstanceId(blankToNull(spec.instanceId()));
        task.setHostId(blankToNull(spec.hostId()));
        return tasks.save(task);
    }

    @Transactional(readOnly = true)
    public Optional<Task> find(String taskId) {
        return Uuid7.isUuid(taskId) ? tasks.findById(taskId) : Optional.empty();
    }

    public void attachProcess(String taskId, String processKey, String processInstanceId) {
        Task task = require(taskId);
        task.setProcessKey(processKey);
        task.setProcessInstanceId(processInstanceId);
    }

    /** pending → running; a no-op in any other status. */
    public void markRunning(String taskId) {
        Task task = require(taskId);
        if (task.getStatus() == TaskStatus.PENDING) {
            task.transition(TaskStatus.RUNNING, null, now());
        }
    }

    public void complete(String taskId) {
        Task task = require(taskId);
        if (task.transition(TaskStatus.COMPLETED, null, now())) {
            LOG.info("task {} completed", taskId);
            recordDuration(task);
        }
    }

    public void fail(String taskId, String error) {
        Task task = require(taskId);
        if (task.transition(TaskStatus.FAILED, error, now())) {
            LOG.info("task {} failed: {}", taskId, error);
            recordDuration(task);
        }
    }

    /**
     * A step of the task raised an incident: the task reads {@code failed} with {@code error} until it is
     * retried or canceled. Returns false when the task was not pending or running.
     */
    public boolean markIncident(String taskId, String error, Map<String, ?> fields) {
        Task task = require(taskId);
        if (task.getStatus() != TaskStatus.PENDING && task.getStatus() != TaskStatus.RUNNING) {
            return false;
        }
        task.transition(TaskStatus.INCIDENT, error, now());
        log(taskId, "task failed: " + error + "; it waits for a retry of the step or a cancel", fields);
        LOG.info("task {} waits on an incident: {}", taskId, error);
        return true;
    }

    /** A task waiting on an incident runs again (its step was retried); returns false in any other status. */
    public boolean resume(String taskId, String message, Map<String, ?> fields) {
        Task task = require(taskId);
        if (task.getStatus() != TaskStatus.INCIDENT) {
            return false;
        }
        task.transition(TaskStatus.RUNNING, null, now());
        log(taskId, message, fields);
        LOG.info("task {} resumed: {}", taskId, message);
        return true;
    }

    /**
     * The cleanup of a canceled task waits on an incident ({@code error}) or runs again (null): the task stays
     * {@code canceling}, its error and log say so.
     */
    public void markCleanupIncident(String taskId, String errorOrNull, Map<String, ?> fields) {
        Task task = require(taskId);
        if (!task.noteCleanupError(errorOrNull)) {
            return;
        }
        if (errorOrNull != null) {
            log(taskId, "cleanup of the canceled task failed: " + errorOrNull
                    + "; it waits for a retry of the step (Cockpit, or POST .../retry)", fields);
            LOG.info("cleanup of canceled task {} waits on an incident: {}", taskId, errorOrNull);
        } else {
            log(taskId, "cleanup of the canceled task runs again", Map.of("status", "canceling"));
        }
    }

    /** Records a cancel request; returns false when the task is no longer pending, running or waiting on an incident. */
    public boolean markCanceling(String taskId) {
        Task task = require(taskId);
        if (!task.getStatus().isActive()) {
            return false;
        }
        task.transition(TaskStatus.CANCELING, null, now());
        log(taskId, "task is canceling", Map.of("status", "canceling"));
        return true;
    }

    public void markCanceled(String taskId) {
        Task task = require(taskId);
        if (task.transition(TaskStatus.CANCELED, null, now())) {
            log(taskId, "task successfully canceled", Map.of("status", "canceled"));
            recordDuration(task);
        }
    }

    /**
     * How many tasks there are by type and status ({@code incident} apart from {@code failed}: one waits
     * for a person, the other is over).
     */
    @Transactional(readOnly = true)
    public Map<TypeAndStatus, Long> countsByTypeAndStatus() {
        Map<TypeAndStatus, Long> counts = new java.util.LinkedHashMap<>();
        for (Object[] row : tasks.countByTypeAndStatus()) {
            counts.put(new TypeAndStatus((String) row[0], (TaskStatus) row[1]), (Long) row[2]);
        }
        return counts;
    }

    /** A task type ({@code create}, {@code switchover}, ...) with a status. */
    public record TypeAndStatus(String type, TaskStatus status) {
    }

    /**
     * The time from creation to the end of a task that just ended, into {@value #TASK_DURATION}
     * (Prometheus: {@code controlplane_task_duration_seconds}); counted once the ending commits, on the
     * host that ended it.
     */
    private void recordDuration(Task task) {
        Duration took = Duration.between(task.getCreatedAt(), task.getCompletedAt());
        Runnable record = () -> Timer.builder(TASK_DURATION)
                .description("Duration of tasks from creation to their end, by task type and final status")
                .tag("type", task.getType())
                .tag("status", task.getStatus().name().toLowerCase(java.util.Locale.ROOT))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(6))
                .register(meterRegistry)
                .record(took);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    record.run();
                }
            });
        } else {
            record.run();
        }
    }

    /** The meter of task durations. */
    public static final String TASK_DURATION = "controlplane.task.duration";

    /** Appends a log entry in the caller's transaction: it exists only if that transaction commits. */
    public void log(String taskId, String message, Map<String, ?> fields) {
        entries.save(new TaskLogEntry(Uuid7.next().toString(), taskId, now(), message, toJson(fields)));
    }

    /**
     * Appends a log entry in a transaction of its own, so it is visible at once and survives a rollback
     * of the step that wrote it (progress messages, "started", "failed").
     */
    public void logNow(String taskId, String message, Map<String, ?> fields) {
        separateTransaction.executeWithoutResult(status -> log(taskId, message, fields));
    }

    /** pending → running in a transaction of its own, so the API shows it while the first step runs. */
    public void markRunningNow(String taskId) {
        separateTransaction.executeWithoutResult(status -> markRunning(taskId));
    }

    @Transactional(readOnly = true)
    public List<Task> list(TaskQuery query) {
        Specification<Task> spec = (root, q, cb) -> {
            List<Predicate> where = new ArrayList<>();
            query.scope().ifPresent(s -> where.add(cb.equal(root.get("scope"), s)));
            query.entityId().ifPresent(e -> where.add(cb.equal(root.get("entityId"), e)));
            query.afterTaskId().ifPresent(after -> where.add(query.ascending()
                    ? cb.greaterThan(root.get("taskId"), after)
                    : cb.lessThan(root.get("taskId"), after)));
            return cb.and(where.toArray(Predicate[]::new));
        };
        Sort sort = query.ascending() ? Sort.by("taskId").ascending() : Sort.by("taskId").descending();
        if (query.limit() > 0) {
            return tasks.findAll(spec, PageRequest.of(0, query.limit(), sort)).getContent();
        }
        return tasks.findAll(spec, sort);
    }

    /** Tasks that have not ended, for reconciling them with their process instances. */
    @Transactional(readOnly = true)
    public List<Task> unfinished() {
        return tasks.findByStatusIn(List.of(TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.CANCELING,
                TaskStatus.INCIDENT));
    }

    /** Tasks waiting on an incident, e.g. to show their database {@code failed} meanwhile. */
    @Transactional(readOnly = true)
    public List<Task> waitingOnIncident() {
        return tasks.findByStatusIn(List.of(TaskStatus.INCIDENT));
    }

    /**
     * The steps of a task that started and have not ended (finished, failed or stopped), by the external
     * task id their log entries carry ({@code external_task_id}); {@code except} is left out (the asking
     * step itself). A step whose process moved on while it ran logs "stopped" when it notices.
     */
    @Transactional(readOnly = true)
    public List<String> stepsStillRunning(String taskId, String except) {
        Map<String, String> lastEvent = new java.util.LinkedHashMap<>();
        Map<String, String> names = new java.util.LinkedHashMap<>();
        for (TaskLogEntry e : entries.findAll((root, q, cb) -> cb.equal(root.get("taskId"), taskId),
                Sort.by("entryId").ascending())) {
            String run = stringField(e.getFieldsJson(), STEP_RUN_FIELD);
            if (run == null || run.equals(except)) {
                continue;
            }
            boolean started = e.getMessage().startsWith("started ");
            lastEvent.put(run, started ? "started" : "ended");
            if (started) {
                names.put(run, e.getMessage().substring("started ".length()));
            }
        }
        List<String> running = new ArrayList<>();
        lastEvent.forEach((run, event) -> {
            if (event.equals("started")) {
                running.add(names.get(run));
            }
        });
        return running;
    }

    /** The field of step log entries that names the run of the step (the external task id). */
    public static final String STEP_RUN_FIELD = "external_task_id";

    private static String stringField(String json, String field) {
        if (json == null || !json.contains(field)) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode value = JSON.readTree(json).get(field);
            return value == null || value.isNull() ? null : value.asText();
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * The log of a task: entries after the cursor, oldest first; with a limit, the newest {@code limit}
     * of those (pgEdge's tail semantics).
     */
    @Transactional(readOnly = true)
    public TaskLogPage logOf(Task task, Optional<String> afterEntryId, int limit) {
        Specification<TaskLogEntry> spec = (root, q, cb) -> {
            Predicate p = cb.equal(root.get("taskId"), task.getTaskId());
            if (afterEntryId.isPresent()) {
                p = cb.and(p, cb.greaterThan(root.get("entryId"), afterEntryId.get()));
            }
            return p;
        };
        List<TaskLogEntry> page;
        if (limit > 0) {
            page = new ArrayList<>(entries.findAll(spec, PageRequest.of(0, limit, Sort.by("entryId").descending()))
                    .getContent());
            Collections.reverse(page);
        } else {
            page = entries.findAll(spec, Sort.by("entryId").ascending());
        }
        Optional<String> last = page.isEmpty() ? afterEntryId : Optional.of(page.get(page.size() - 1).getEntryId());
        return new TaskLogPage(task, page, last);
    }

    private Task require(String taskId) {
        return tasks.findById(taskId).orElseThrow(() -> new IllegalStateException("no task " + taskId));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String toJson(Map<String, ?> fields) {
        if (fields == null || fields.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            return "{\"unserializable_fields\":true}";
        }
    }
}
