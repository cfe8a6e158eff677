package io.controlplane.engine;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Handlers of the test-only process {@code test-runner}; they exist only on the test classpath. */
@Configuration
public class TestStepHandlers {

    static final AtomicBoolean PERMANENT_CAUSE_FIXED = new AtomicBoolean(false);
    /** Mode "hold": counted down once the step is inside its handler, which then waits for the release. */
    static volatile CountDownLatch holdEntered = new CountDownLatch(1);
    static volatile CountDownLatch holdRelease = new CountDownLatch(1);
    private static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();

    @Bean
    StepHandler testRecord() {
        return new StepHandler() {
            @Override
            public String name() {
                return "testRecord";
            }

            @Override
            public Map<String, Object> execute(StepContext context) {
                context.log("recording the step", Map.of("mode", context.requireString("mode")));
                return Map.of("recorded", true);
            }
        };
    }

    @Bean
    StepHandler testOutcome() {
        return new StepHandler() {
            @Override
            public String name() {
                return "testOutcome";
            }

            @Override
            public Map<String, Object> execute(StepContext context) {
                String mode = context.requireString("mode");
                switch (mode) {
                    case "operation-failed" -> throw new OperationFailedException("the test asked this operation to fail");
                    case "permanent" -> {
                        if (!PERMANENT_CAUSE_FIXED.get()) {
                            throw new PermanentException("port 1 is taken by another program");
                        }
                    }
                    case "hold" -> {
                        holdEntered.countDown();
                        try {
                            if (!holdRelease.await(60, TimeUnit.SECONDS)) {
                                throw new PermanentException("the test never released the step");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new TransientException("interrupted while held");
                        }
                    }
                    case "transient-once" -> {
                        if (FAILED_ONCE.add(context.processInstanceId())) {
                            throw new TransientException("the container is still starting");
                        }
                    }
                    default -> {
                    }
                }
                return Map.of("outcome", "ok");
            }
        };
    }
}
