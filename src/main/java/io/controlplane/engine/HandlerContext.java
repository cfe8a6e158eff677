package io.controlplane.engine;

import io.controlplane.common.PermanentException;
import io.controlplane.task.TaskService;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link StepContext} a handler sees: its step's variables and a log that reaches the task at once. */
final class HandlerContext implements StepContext {

    private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);

    private final StepExecution step;
    private final TaskService tasks;

    HandlerContext(StepExecution step, TaskService tasks) {
        this.step = step;
        this.tasks = tasks;
    }

    @Override
    public String taskId() {
        return step.taskId().orElse(null);
    }

    @Override
    public String processInstanceId() {
        return step.task().getProcessInstanceId();
    }

    @Override
    public String stepName() {
        return step.stepName();
    }

    @Override
    public String hostId() {
        return step.hostId();
    }

    @Override
    public Optional<String> stepRunId() {
        return Optional.of(step.externalTaskId());
    }

    @Override
    public Optional<Object> variable(String name) {
        return Optional.ofNullable(step.task().getVariables().get(name));
    }

    @Override
    public String requireString(String name) {
        Object v = step.task().getVariables().get(name);
        if (v == null) {
            throw new PermanentException("process variable '" + name + "' is not set; the process model must set it"
                    + " before step '" + step.stepName() + "'");
        }
        return v.toString();
    }

    @Override
    public void log(String message) {
        log(message, Map.of());
    }

    @Override
    public void log(String message, Map<String, ?> fields) {
        LOG.info("{}: {}", step.stepName(), message);
        step.taskId().ifPresent(taskId -> tasks.logNow(taskId, message, fields));
    }
}
