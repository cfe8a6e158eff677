package io.controlplane.delegates;

import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import io.controlplane.task.TaskService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * "Wait for interrupted steps to stop": a cancel interrupts the operation, but a step that a worker was
 * running goes on until its handler returns (then it finds its process moved on and logs "stopped").
 * The cleanup waits for those, so it does not remove what such a step creates a moment later. A step
 * whose worker died never ends: after {@link #WAIT} the cleanup goes on without it.
 */
@Component
class AwaitInterruptedStepsDelegate implements StepHandler {

    static final Duration WAIT = Duration.ofSeconds(150);

    private final TaskService tasks;

    AwaitInterruptedStepsDelegate(TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return HandlerNames.AWAIT_INTERRUPTED_STEPS;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String self = context.stepRunId().orElse("");
        Instant deadline = Instant.now().plus(WAIT);
        List<String> running = tasks.stepsStillRunning(context.taskId(), self);
        if (!running.isEmpty()) {
            context.log("waiting for interrupted steps to stop: " + String.join(", ", running));
        }
        while (!running.isEmpty() && Instant.now().isBefore(deadline)) {
            sleep();
            running = tasks.stepsStillRunning(context.taskId(), self);
        }
        if (!running.isEmpty()) {
            context.log("gave up waiting after " + WAIT.toSeconds() + " s for " + String.join(", ", running)
                    + " (its worker may be gone); cleaning up anyway");
        } else {
            context.log("no step of the operation runs any more");
        }
        return Map.of();
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.controlplane.common.TransientException("interrupted while waiting for steps to stop");
        }
    }
}
