package io.controlplane.engine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
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

    FailureInterceptor(ExternalTaskService externalTasks, String workerId, TransactionTemplate transaction,
                       TaskLogInterceptor taskLog) {
        this.externalTasks = externalTasks;
        this.workerId = workerId;
        this.transaction = transaction;
        this.taskLog = taskLog;
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
                : "incident raised: fix the cause, then retry the step in Cockpit or cancel the task";
        String kind = decision.classification().known()
                ? decision.classification().kind().name().toLowerCase(Locale.ROOT) + " ("
                        + decision.classification().basis() + ")"
                : decision.classification().basis();
        LOG.warn("{} failed: {}; {} [{}]", step.stepName(), decision.message(), outcome, kind, retry ? null : e);
        taskLog.stepFailed(step, decision, outcome);
        externalTasks.handleFailure(step.externalTaskId(), workerId, decision.message(), stackTrace(e),
                decision.retriesLeft(), decision.backoffMillis());
    }

    private static void gone(StepExecution step, NotFoundException e) {
        LOG.info("step {} is gone (its process was canceled or moved on): {}", step.stepName(), e.getMessage());
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
