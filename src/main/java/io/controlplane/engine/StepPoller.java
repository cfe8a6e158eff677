package io.controlplane.engine;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.externaltask.ExternalTaskQueryBuilder;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch and dispatch: one thread fetches and locks as many external tasks as there are free worker
 * threads, from the topics {@code <handler>@<this host>} and {@code <handler>@any}, and hands each to
 * the pool. It waits for a {@link #wake} (or half a second) when nothing was there, and for a free
 * thread when all are busy.
 */
final class StepPoller {

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);
    private static final long IDLE_POLL_MILLIS = 500;
    private static final long FETCH_ERROR_PAUSE_MILLIS = 2000;

    private final ExternalTaskService externalTasks;
    private final String workerId;
    private final String hostId;
    private final List<String> handlerNames;
    private final long lockMillis;
    private final int threads;
    private final Consumer<LockedExternalTask> work;
    private final Semaphore freeSlots;
    /** False while this host may not run steps yet (a restarted host that has not rejoined its cluster). */
    private final BooleanSupplier mayFetch;
    private final Object wakeUp = new Object();
    private boolean woken;
    private volatile boolean running;
    private ExecutorService pool;
    private Thread poller;

    StepPoller(ExternalTaskService externalTasks, String workerId, String hostId, List<String> handlerNames,
               long lockMillis, int threads, BooleanSupplier mayFetch, Consumer<LockedExternalTask> work) {
        this.externalTasks = externalTasks;
        this.workerId = workerId;
        this.hostId = hostId;
        this.handlerNames = List.copyOf(handlerNames);
        this.lockMillis = lockMillis;
        this.threads = threads;
        this.mayFetch = mayFetch;
        this.work = work;
        this.freeSlots = new Semaphore(threads);
    }

    void start() {
        releaseLocksOfPreviousRun();
        running = true;
        pool = Executors.newFixedThreadPool(threads, r -> daemon(r, "step-" + hostId));
        poller = daemon(this::pollLoop, "step-poller");
        poller.start();
    }

    void stop() {
        running = false;
        wake();
        poller.interrupt();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void wake() {
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
                if (!mayFetch.getAsBoolean()) {
                    idle();
                    continue;
                }
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
                            work.accept(task);
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
                pause();
            }
        }
    }

    private List<LockedExternalTask> fetch(int max) {
        ExternalTaskQueryBuilder builder = externalTasks.fetchAndLock(max, workerId);
        for (String handler : handlerNames) {
            builder = builder.topic(Topics.of(handler, hostId), lockMillis).includeExtensionProperties();
            builder = builder.topic(Topics.of(handler, Topics.ANY_HOST), lockMillis).includeExtensionProperties();
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

    private static void pause() {
        try {
            Thread.sleep(FETCH_ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
