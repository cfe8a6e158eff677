package io.controlplane.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;

/**
 * One run of one step as it passes the links of the {@link StepWorker}'s chain: the locked external
 * task, the handler that works it, and what the links share (display name, retry policy, start time).
 */
final class StepExecution {

    private final LockedExternalTask task;
    private final StepHandler handler;
    private final String stepName;
    private final String hostId;
    private final RetryPolicy retryPolicy;
    private long startedNanos;

    StepExecution(LockedExternalTask task, StepHandler handler, String stepName, String hostId) {
        this.task = task;
        this.handler = handler;
        this.stepName = stepName;
        this.hostId = hostId;
        this.retryPolicy = RetryPolicy.from(Optional.ofNullable(task.getExtensionProperties()).orElse(Map.of()));
        this.startedNanos = System.nanoTime();
    }

    LockedExternalTask task() {
        return task;
    }

    String externalTaskId() {
        return task.getId();
    }

    StepHandler handler() {
        return handler;
    }

    /** The task this step belongs to (the business key); empty for a process started outside the API. */
    Optional<String> taskId() {
        return Optional.ofNullable(task.getBusinessKey());
    }

    String stepName() {
        return stepName;
    }

    String hostId() {
        return hostId;
    }

    RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    void markStarted() {
        startedNanos = System.nanoTime();
    }

    long tookMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** The fields every task-log entry of this step carries, followed by {@code extra}. */
    Map<String, Object> fields(Map<String, ?> extra) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("step", task.getActivityId());
        fields.put("host_id", hostId);
        // a run of a step: "Wait for interrupted steps to stop" pairs its "started" with its end by this id
        fields.put(io.controlplane.task.TaskService.STEP_RUN_FIELD, task.getId());
        fields.putAll(extra);
        return fields;
    }
}
