package io.controlplane.engine;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ExternalTaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the external task locked while its handler runs, however long that takes: the lock is
 * extended every half lock duration, and no longer once the handler returned or threw (the
 * completion or failure that follows needs no lock renewal).
 */
final class LockRenewalInterceptor implements StepInterceptor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);

    private final ExternalTaskService externalTasks;
    private final String workerId;
    private final long lockMillis;
    private final ScheduledExecutorService renewer;

    LockRenewalInterceptor(ExternalTaskService externalTasks, String workerId, long lockMillis) {
        this.externalTasks = externalTasks;
        this.workerId = workerId;
        this.lockMillis = lockMillis;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "step-lock-renewer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Map<String, Object> invoke(StepExecution step, Chain next) {
        ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> extendLock(step), lockMillis / 2,
                lockMillis / 2, TimeUnit.MILLISECONDS);
        try {
            return next.proceed(step);
        } finally {
            renewal.cancel(false);
        }
    }

    private void extendLock(StepExecution step) {
        try {
            externalTasks.extendLock(step.externalTaskId(), workerId, lockMillis);
        } catch (RuntimeException e) {
            LOG.debug("could not extend the lock of {}: {}", step.externalTaskId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }
}
