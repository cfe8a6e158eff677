package io.controlplane.engine;

import java.util.Map;
import org.camunda.bpm.engine.ExternalTaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Completes the external task with the handler's output, and writes "finished X (took N ms)" in the
 * same transaction: the entry exists exactly when the engine moved on.
 */
final class CompletionInterceptor implements StepInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);

    private final ExternalTaskService externalTasks;
    private final String workerId;
    private final TransactionTemplate transaction;
    private final TaskLogInterceptor taskLog;

    CompletionInterceptor(ExternalTaskService externalTasks, String workerId, TransactionTemplate transaction,
                          TaskLogInterceptor taskLog) {
        this.externalTasks = externalTasks;
        this.workerId = workerId;
        this.transaction = transaction;
        this.taskLog = taskLog;
    }

    @Override
    public Map<String, Object> invoke(StepExecution step, Chain next) {
        Map<String, Object> output = next.proceed(step);
        Map<String, Object> variables = output == null ? Map.of() : output;
        long tookMs = step.tookMillis();
        transaction.executeWithoutResult(s -> {
            externalTasks.complete(step.externalTaskId(), workerId, variables);
            taskLog.finished(step, tookMs);
        });
        LOG.info("finished {} (took {} ms)", step.stepName(), tookMs);
        return variables;
    }
}
