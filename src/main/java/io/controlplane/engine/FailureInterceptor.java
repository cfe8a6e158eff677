package io.controlplane.engine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies the {@link FailurePolicy} to whatever the inner links throw: a retry with a backoff, an
 * incident (the engine's {@code handleFailure} with no retries left; Cockpit's "Retry" resumes the
 * step), or the BPMN error {@value StepWorker#OPERATION_FAILED} with the message in the process
 * variable {@value StepWorker#OPERATION_ERROR}. A step whose process is gone (canceled, or moved on
 * after a lock expired) is left alone.
 */
final class FailureInterceptor implements StepInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);

    private final ExternalTaskService externalTasks;
    private final String workerId;
    private final TransactionTemplate transaction;
    private final TaskLogInterceptor taskLog;

    private final Consumer<String> incidentRaised;

    /** @param incidentRaised told the task id once a step of it raised an incident (after the commit) */
    FailureInterceptor(ExternalTaskService externalTasks, String workerId, TransactionTemplate transaction,
                       TaskLogInterceptor taskLog, Consumer<String> incidentRaised) {
        this.externalTasks = externalTasks;
        this.workerId = workerId;
        this.transaction = transaction;
        this.taskLog = taskLog;
        this.incidentRaised = incidentRaised;
    }

    @Override
    public Map<String, Object> invoke(StepExecution step, Chain next) {
        try {
            return next.proceed(step);
        } catch (NotFoundException e) {
            gone(step, e);
        } catch (RuntimeException e) {
            FailurePolicy.Decision decision = FailurePolicy.decide(e, step.retryPolicy(), step.task().getRetries());
            try {
                if (decision.action() == FailurePolicy.Action.FAIL_OPERATION) {
                    failOperation(step, decision);
                } else {
                    failStep(step, decision, e);
                }
            } catch (NotFoundException gone) {
                gone(step, gone);
            }
        }
        return Map.of();
    }

    private void failOperation(StepExecution step, FailurePolicy.Decision decision) {
        String message = decision.message();
        LOG.warn("{} failed, ending the operation: {}", step.stepName(), message);
        transaction.executeWithoutResult(s -> {
            taskLog.operationFailed(step, message);
            externalTasks.handleBpmnError(step.externalTaskId(), workerId, StepWorker.OPERATION_FAILED, message,
                    Map.of(StepWorker.OPERATION_ERROR, message));
        });
    }

    private void failStep(StepExecution step, FailurePolicy.Decision decision, RuntimeException e) {
        boolean retry = decision.action() == FailurePolicy.Action.RETRY;
        String outcome = retry
                ? "retrying in " + decision.backoffMillis() / 1000 + " s (" + decision.retriesLeft() + " retries left)"
                : "incident raised: fix the cause, then retry the step (Retry in Cockpit, or POST"
                        + " .../tasks/{task_id}/retry) or cancel the task";
        String kind = decision.classification().known()
                ? decision.classification().kind().name().toLowerCase(Locale.ROOT) + " ("
                        + decision.classification().basis() + ")"
                : decision.classification().basis();
        LOG.warn("{} failed: {}; {} [{}]", step.stepName(), decision.message(), outcome, kind, retry ? null : e);
        taskLog.stepFailed(step, decision, outcome);
        externalTasks.handleFailure(step.externalTaskId(), workerId, decision.message(), stackTrace(e),
                decision.retriesLeft(), decision.backoffMillis());
        if (!retry) {
            // the task reads failed from now on, not only after the next reconciliation round
            step.taskId().ifPresent(taskId -> {
                try {
                    incidentRaised.accept(taskId);
                } catch (RuntimeException notYet) {
                    LOG.warn("task {}: could not record the incident now, the next round will: {}", taskId,
                            notYet.toString());
                }
            });
        }
    }

    private void gone(StepExecution step, NotFoundException e) {
        LOG.debug("step {} is gone: {}", step.stepName(), e.getMessage());
        try {
            taskLog.stopped(step);
        } catch (RuntimeException logFailed) {
            LOG.warn("could not log that step {} stopped: {}", step.stepName(), logFailed.toString());
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
