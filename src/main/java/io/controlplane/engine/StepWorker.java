package io.controlplane.engine;

import io.controlplane.cluster.ClusterMembership;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the service tasks of every process on this host. The {@link StepPoller} fetches external tasks
 * from the topics {@code <handler>@<this host>} and {@code <handler>@any}; each one then passes a chain
 * of links around its handler, outermost first:
 * <ol>
 *   <li>{@link TaskLogInterceptor}: MDC fields, timing, the task's move to {@code running}, "started X";</li>
 *   <li>{@link FailureInterceptor}: the {@link FailurePolicy} (retry, incident, or the modelled failure
 *       path) for anything thrown inside;</li>
 *   <li>{@link StepMetricsInterceptor}: the step's duration by handler and outcome;</li>
 *   <li>{@link CompletionInterceptor}: completes the external task with "finished X (took N ms)";</li>
 *   <li>{@link LockRenewalInterceptor}: keeps the lock while the handler runs.</li>
 * </ol>
 */
@Component
public class StepWorker {

    /** BPMN error code that every operation process catches on its failure path. */
    public static final String OPERATION_FAILED = BpmnErrors.OPERATION_FAILED;
    /** Process variable holding the error of a failed operation. */
    public static final String OPERATION_ERROR = ProcessVariables.OPERATION_ERROR;

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);
    private static final long LOCK_MILLIS = 30_000;

    private final ExternalTaskService externalTasks;
    private final RepositoryService repository;
    private final TaskService tasks;
    private final IncidentTracker incidents;
    private final TransactionTemplate transaction;
    private final Map<String, StepHandler> handlers = new LinkedHashMap<>();
    private final String hostId;
    private final String workerId;
    private final int threads;
    private final Map<String, String> stepNames = new ConcurrentHashMap<>();
    private final StepPoller poller;
    private volatile boolean running;
    private LockRenewalInterceptor lockRenewal;
    private StepInterceptor.Chain chain;
    private final MeterRegistry meterRegistry;

    public StepWorker(ExternalTaskService externalTasks, RepositoryService repository, TaskService tasks,
                      PlatformTransactionManager transactionManager, List<StepHandler> handlerBeans,
                      ControlPlaneConfig config, ClusterMembership membership, IncidentTracker incidents,
                      MeterRegistry meterRegistry) {
        this.incidents = incidents;
        this.meterRegistry = meterRegistry;
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
        // a restarted host runs no step before it has rejoined its cluster: every step needs it
        this.poller = new StepPoller(externalTasks, workerId, hostId, List.copyOf(handlers.keySet()), LOCK_MILLIS,
                threads, () -> !membership.isRejoining(), this::run);
    }

    public boolean handles(String handlerName) {
        return handlers.containsKey(handlerName);
    }

    /** The names of every handler this host runs, sorted. */
    public List<String> handlerNames() {
        return handlers.keySet().stream().sorted().toList();
    }

    /**
     * The process variables a handler sets: what it declares ({@link StepHandler#outputs()}) and what
     * {@link ProcessVariables#setBy} lists for it; none for an unknown one.
     */
    public java.util.Set<String> outputsOf(String handlerName) {
        StepHandler handler = handlers.get(handlerName);
        if (handler == null) {
            return java.util.Set.of();
        }
        java.util.Set<String> outputs = new java.util.TreeSet<>(handler.outputs());
        outputs.addAll(ProcessVariables.setBy(handlerName));
        return outputs;
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void start() {
        if (running || handlers.isEmpty()) {
            return;
        }
        TaskLogInterceptor taskLog = new TaskLogInterceptor(tasks,
                externalTaskId -> externalTasks.createExternalTaskQuery().externalTaskId(externalTaskId).count() > 0,
                taskId -> {
                    if (tasks.find(taskId).filter(t -> t.getStatus() == TaskStatus.INCIDENT).isPresent()) {
                        incidents.refresh(taskId);
                    }
                });
        lockRenewal = new LockRenewalInterceptor(externalTasks, workerId, LOCK_MILLIS);
        chain = StepInterceptor.chain(List.of(
                        taskLog,
                        new FailureInterceptor(externalTasks, workerId, transaction, taskLog, incidents::refresh),
                        new StepMetricsInterceptor(meterRegistry),
                        new CompletionInterceptor(externalTasks, workerId, transaction, taskLog),
                        lockRenewal),
                step -> step.handler().execute(new HandlerContext(step, tasks)));
        running = true;
        poller.start();
        LOG.info("step worker {} started: {} handlers, {} threads", workerId, handlers.size(), threads);
    }

    @PreDestroy
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        poller.stop();
        lockRenewal.close();
    }

    /** Tells the worker that new external tasks may exist (called after a commit that created some). */
    public void wake() {
        poller.wake();
    }

    private void run(LockedExternalTask task) {
        StepExecution step = new StepExecution(task, handlers.get(Topics.handlerOf(task.getTopicName())),
                stepName(task), hostId);
        try {
            chain.proceed(step);
        } catch (RuntimeException e) {
            // only the task log's own writes or the failure handling itself get here (the engine's
            // database is unreachable, say): the lock runs out and the step is fetched again
            LOG.warn("could not run step {} of process {}: {}; it runs again once its lock expires",
                    step.stepName(), task.getProcessInstanceId(), e.toString());
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
}
