package io.controlplane.engine;

import io.controlplane.task.TaskService;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The outermost link: the MDC fields {@code task_id} and {@code step} for every log line of the step,
 * its timing, the task's move to {@code running}, and the task-log entries every step writes. Other
 * code and the tests read these texts: "started X", "finished X (took N ms)", "failed X: ...".
 * The entries that go with an engine command ("finished", the operation's "failed") are written by the
 * link that runs the command, in its transaction, through {@link #finished} and {@link #operationFailed}.
 */
final class TaskLogInterceptor implements StepInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);

    private final TaskService tasks;
    private final Predicate<String> stillWanted;
    private final Consumer<String> resumeIfRetried;

    /**
     * @param stillWanted     whether the external task of a run still exists (its process did not move on)
     * @param resumeIfRetried told the task id before a step of it starts: a task that read failed because of
     *                        an incident runs again once it was retried (Cockpit), and its log says who retried
     *                        before the step's own lines
     */
    TaskLogInterceptor(TaskService tasks, Predicate<String> stillWanted, Consumer<String> resumeIfRetried) {
        this.tasks = tasks;
        this.stillWanted = stillWanted;
        this.resumeIfRetried = resumeIfRetried;
    }

    /** The step's process moved on (a cancel interrupted it) while or before it ran; written at once. */
    void stopped(StepExecution step) {
        LOG.info("step {} stopped: its process moved on (canceled or ended)", step.stepName());
        step.taskId().ifPresent(taskId -> tasks.logNow(taskId, "stopped " + step.stepName()
                + ": its process moved on (canceled or ended) while it ran", step.fields(Map.of("success", false))));
    }

    @Override
    public Map<String, Object> invoke(StepExecution step, Chain next) {
        MDC.put("task_id", step.taskId().orElse("null"));
        MDC.put("step", step.task().getActivityId());
        try {
            step.markStarted();
            step.taskId().ifPresent(taskId -> {
                try {
                    resumeIfRetried.accept(taskId);
                } catch (RuntimeException e) {
                    LOG.warn("task {}: could not record its retry now, the next reconciliation will: {}", taskId,
                            e.toString());
                }
                tasks.markRunningNow(taskId);
                tasks.logNow(taskId, "started " + step.stepName(), step.fields(Map.of()));
            });
            // after "started" is committed: a cancel that interrupted the process before now is seen here,
            // one after now waits for this run to end ("Wait for interrupted steps to stop")
            if (!stillWanted.test(step.externalTaskId())) {
                stopped(step);
                return Map.of();
            }
            LOG.info("started {}", step.stepName());
            return next.proceed(step);
        } finally {
            MDC.remove("task_id");
            MDC.remove("step");
        }
    }

    /** Inside the transaction that completes the step. */
    void finished(StepExecution step, long tookMs) {
        step.taskId().ifPresent(taskId -> tasks.log(taskId, "finished " + step.stepName() + " (took " + tookMs + " ms)",
                step.fields(Map.of("duration_ms", tookMs, "success", true))));
    }

    /** Inside the transaction that throws the operation's BPMN error. */
    void operationFailed(StepExecution step, String message) {
        step.taskId().ifPresent(taskId -> tasks.log(taskId, "failed " + step.stepName() + ": " + message,
                step.fields(Map.of("success", false, "error", message))));
    }

    /** A failure the engine retries or raises as an incident; written at once, on its own. */
    void stepFailed(StepExecution step, FailurePolicy.Decision decision, String outcome) {
        step.taskId().ifPresent(taskId -> {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("success", false);
            extra.put("error", decision.message());
            extra.put("retries_left", decision.retriesLeft());
            extra.put("failure_kind", decision.classification().kind().name().toLowerCase(Locale.ROOT));
            if (!decision.classification().known()) {
                extra.put("classification", decision.classification().basis());
            }
            tasks.logNow(taskId, "failed " + step.stepName() + ": " + decision.message() + "; " + outcome,
                    step.fields(extra));
        });
    }
}
