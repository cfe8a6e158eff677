package io.controlplane.engine;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.task.TaskService;
import jakarta.annotation.PreDestroy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.externaltask.ExternalTaskQueryBuilder;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the service tasks of every process on this host. It fetches external tasks from the topics
 * {@code <handler>@<this host>} and {@code <handler>@any}, and wraps every handler call with what
 * every step needs: the task log ("started", "finished … (took N ms)", "failed …"), the task's move to
 * {@code running}, MDC fields, lock renewal, and the failure policy (retry, incident, or the modelled
 * failure path).
 */
@Component
public class StepWorker {

    /** BPMN error code that every operation process catches on its failure path. */
    public static final String OPERATION_FAILED = BpmnErrors.OPERATION_FAILED;
    /** Process variable holding the error of a failed operation. */
    public static final String OPERATION_ERROR = ProcessVariables.OPERATION_ERROR;

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);
    private static final long LOCK_MILLIS = 30_000;
    private static final long IDLE_POLL_MILLIS = 500;

    private final ExternalTaskService externalTasks;
    private final RepositoryService repository;
    private final TaskService tasks;
    private final TransactionTemplate transaction;
    private final Map<String, StepHandler> handlers = new LinkedHashMap<>();
    private final String hostId;
    private final String workerId;
    private final int threads;
    private final Semaphore freeSlots;
    private final Map<String, String> stepNames = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private volatile boolean running;
    private boolean woken;
    private ExecutorService pool;
    private ScheduledExecutorService lockRenewer;
    private Thread poller;

    public StepWorker(ExternalTaskService externalTasks, RepositoryService repository, TaskService tasks,
                      PlatformTransactionManager transactionManager, List<StepHandler> handlerBeans,
                      ControlPlaneConfig config) {
        this.externalTasks = externalTasks;
        this.repository = repository;
        this.tasks = tasks;
        this.transaction = new TransactionTemplate(transactionManager);
        for (StepHandler h : handlerBeans) {
            StepHandler previous = handlers.put(h.name(), h);
            if (previous != null) {
                throw new IllegalStateException("two step handlers named " + h.name());
            }
        }
        this.hostId = config.hostId();
        this.workerId = "host-" + config.hostId();
        this.threads = config.engine().workerThreads();
        this.freeSlots = new Semaphore(threads);
    }

    public boolean handles(String handlerName) {
        return handlers.containsKey(handlerName);
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void start() {
        if (running || handlers.isEmpty()) {
            return;
        }
        releaseLocksOfPreviousRun();
        running = true;
        pool = Executors.newFixedThreadPool(threads, r -> daemon(r, "step-" + hostId));
        lockRenewer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "step-lock-renewer"));
        poller = daemon(this::pollLoop, "step-poller");
        poller.start();
        LOG.info("step worker {} started: {} handlers, {} threads", workerId, handlers.size(), threads);
    }

    @PreDestroy
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        poller.interrupt();
        pool.shutdown();
        lockRenewer.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the worker that new external tasks may exist (called after a commit that created some). */
    public void wake() {
        synchronized (wakeUp) {
            woken = true;
            wakeUp.notifyAll();
        }
    }

    /**
     * A previous run of this host may have died holding locks; nothing of ours runs now, so hand those
     * tasks back instead of waiting for their locks to expire.
     */
    private void releaseLocksOfPreviousRun() {
        for (ExternalTask t : externalTasks.createExternalTaskQuery().workerId(workerId).locked().list()) {
            try {
                externalTasks.unlock(t.getId());
                LOG.info("released step {} of process {} locked by the previous run", t.getActivityId(),
                        t.getProcessInstanceId());
            } catch (RuntimeException e) {
                LOG.debug("could not unlock {}: {}", t.getId(), e.getMessage());
            }
        }
    }

    private void pollLoop() {
        while (running) {
            try {
                int slots = freeSlots.drainPermits();
                if (slots == 0) {
                    freeSlots.acquire();
                    slots = 1 + freeSlots.drainPermits();
                }
                List<LockedExternalTask> fetched = fetch(slots);
                freeSlots.release(slots - fetched.size());
                for (LockedExternalTask task : fetched) {
                    pool.execute(() -> {
                        try {
                            run(task);
                        } finally {
                            freeSlots.release();
                            wake();
                        }
                    });
                }
                if (fetched.isEmpty()) {
                    idle();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("fetching steps failed, trying again: {}", e.toString());
                sleepQuietly(2000);
            }
        }
    }

    private List<LockedExternalTask> fetch(int max) {
        ExternalTaskQueryBuilder builder = externalTasks.fetchAndLock(max, workerId);
        for (String handler : handlers.keySet()) {
            builder = builder.topic(Topics.of(handler, hostId), LOCK_MILLIS).includeExtensionProperties();
            builder = builder.topic(Topics.of(handler, Topics.ANY_HOST), LOCK_MILLIS).includeExtensionProperties();
        }
        return builder.execute();
    }

    private void idle() throws InterruptedException {
        synchronized (wakeUp) {
            if (!woken) {
                wakeUp.wait(IDLE_POLL_MILLIS);
            }
            woken = false;
        }
    }

    private void run(LockedExternalTask task) {
        StepHandler handler = handlers.get(Topics.handlerOf(task.getTopicName()));
        String taskId = task.getBusinessKey();
        String stepName = stepName(task);
        RetryPolicy policy = RetryPolicy.from(Optional.ofNullable(task.getExtensionProperties()).orElse(Map.of()));
        MDC.put("task_id", String.valueOf(taskId));
        MDC.put("step", task.getActivityId());
        ScheduledFuture<?> renewal = lockRenewer.scheduleAtFixedRate(() -> extendLock(task), LOCK_MILLIS / 2,
                LOCK_MILLIS / 2, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        try {
            if (taskId != null) {
                tasks.markRunningNow(taskId);
                tasks.logNow(taskId, "started " + stepName, stepFields(task, Map.of()));
            }
            LOG.info("started {}", stepName);
            Map<String, Object> output = handler.execute(new Context(task, taskId, stepName));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            renewal.cancel(false);
            transaction.executeWithoutResult(s -> {
                externalTasks.complete(task.getId(), workerId, output == null ? Map.of() : output);
                if (taskId != null) {
                    tasks.log(taskId, "finished " + stepName + " (took " + tookMs + " ms)",
                            stepFields(task, Map.of("duration_ms", tookMs, "success", true)));
                }
            });
            LOG.info("finished {} (took {} ms)", stepName, tookMs);
        } catch (OperationFailedException e) {
            renewal.cancel(false);
            failOperation(task, taskId, stepName, e.getMessage());
        } catch (NotFoundException e) {
            renewal.cancel(false);
            LOG.info("step {} is gone (its process was canceled or moved on): {}", stepName, e.getMessage());
        } catch (RuntimeException e) {
            renewal.cancel(false);
            failStep(task, taskId, stepName, policy, e);
        } finally {
            renewal.cancel(false);
            MDC.remove("task_id");
            MDC.remove("step");
        }
    }

    private void failOperation(LockedExternalTask task, String taskId, String stepName, String message) {
        LOG.warn("{} failed, ending the operation: {}", stepName, message);
        try {
            transaction.executeWithoutResult(s -> {
                if (taskId != null) {
                    tasks.log(taskId, "failed " + stepName + ": " + message,
                            stepFields(task, Map.of("success", false, "error", message)));
                }
                Map<String, Object> vars = new HashMap<>();
                vars.put(OPERATION_ERROR, message);
                externalTasks.handleBpmnError(task.getId(), workerId, OPERATION_FAILED, message, vars);
            });
        } catch (NotFoundException e) {
            LOG.info("step {} is gone: {}", stepName, e.getMessage());
        }
    }

    private void failStep(LockedExternalTask task, String taskId, String stepName, RetryPolicy policy,
                          RuntimeException e) {
        boolean permanent = e instanceof PermanentException;
        int retriesLeft = permanent ? 0 : policy.retriesLeftAfterFailure(task.getRetries());
        long backoff = retriesLeft > 0 ? policy.backoffMillis(retriesLeft) : 0;
        String message = summary(e);
        String outcome = retriesLeft > 0
                ? "retrying in " + backoff / 1000 + " s (" + retriesLeft + " retries left)"
                : "incident raised: fix the cause, then retry the step in Cockpit or cancel the task";
        LOG.warn("{} failed: {}; {}", stepName, message, outcome, retriesLeft > 0 ? null : e);
        try {
            if (taskId != null) {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("success", false);
                extra.put("error", message);
                extra.put("retries_left", retriesLeft);
                tasks.logNow(taskId, "failed " + stepName + ": " + message + "; " + outcome, stepFields(task, extra));
            }
            externalTasks.handleFailure(task.getId(), workerId, message, stackTrace(e), retriesLeft, backoff);
        } catch (NotFoundException gone) {
            LOG.info("step {} is gone: {}", stepName, gone.getMessage());
        }
    }

    private void extendLock(LockedExternalTask task) {
        try {
            externalTasks.extendLock(task.getId(), workerId, LOCK_MILLIS);
        } catch (RuntimeException e) {
            LOG.debug("could not extend the lock of {}: {}", task.getId(), e.getMessage());
        }
    }

    private String stepName(LockedExternalTask task) {
        return stepNames.computeIfAbsent(task.getProcessDefinitionId() + "/" + task.getActivityId(), k -> {
            try {
                ModelElementInstance element = repository.getBpmnModelInstance(task.getProcessDefinitionId())
                        .getModelElementById(task.getActivityId());
                if (element instanceof FlowElement flow && flow.getName() != null && !flow.getName().isBlank()) {
                    return flow.getName().replaceAll("\\s+", " ").trim();
                }
            } catch (RuntimeException e) {
                LOG.debug("no name for {}: {}", k, e.getMessage());
            }
            return task.getActivityId();
        });
    }

    private Map<String, Object> stepFields(LockedExternalTask task, Map<String, Object> extra) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("step", task.getActivityId());
        fields.put("host_id", hostId);
        fields.putAll(extra);
        return fields;
    }

    private static String summary(Throwable e) {
        String m = e.getMessage();
        String text = (m == null || m.isBlank()) ? e.getClass().getSimpleName() : m;
        int nl = text.indexOf('\n');
        text = nl > 0 ? text.substring(0, nl) : text;
        return text.length() > 600 ? text.substring(0, 597) + "..." : text;
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Context implements StepContext {
        private final LockedExternalTask task;
        private final String taskId;
        private final String stepName;

        Context(LockedExternalTask task, String taskId, String stepName) {
            this.task = task;
            this.taskId = taskId;
            this.stepName = stepName;
        }

        @Override
        public String taskId() {
            return taskId;
        }

        @Override
        public String processInstanceId() {
            return task.getProcessInstanceId();
        }

        @Override
        public String stepName() {
            return stepName;
        }

        @Override
        public String hostId() {
            return hostId;
        }

        @Override
        public Optional<Object> variable(String name) {
            return Optional.ofNullable(task.getVariables().get(name));
        }

        @Override
        public String requireString(String name) {
            Object v = task.getVariables().get(name);
            if (v == null) {
                throw new PermanentException("process variable '" + name + "' is not set; the process model must set it"
                        + " before step '" + stepName + "'");
            }
            return v.toString();
        }

        @Override
        public void log(String message) {
            log(message, Map.of());
        }

        @Override
        public void log(String message, Map<String, ?> fields) {
            LOG.info("{}: {}", stepName, message);
            if (taskId != null) {
                tasks.logNow(taskId, message, fields);
            }
        }
    }
}
