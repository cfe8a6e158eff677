package io.controlplane.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Times every run of a step into {@value #STEP_DURATION} (Prometheus:
 * {@code controlplane_step_duration_seconds}), by handler and outcome: {@code success}, or the kind of
 * the failure as the {@link FailurePolicy} classifies it ({@code transient}, {@code permanent},
 * {@code operation_failed}). It sits inside the failure link, so it sees the handler's exception before
 * that link turns it into a retry, an incident or the modelled failure path.
 */
final class StepMetricsInterceptor implements StepInterceptor {

    static final String STEP_DURATION = "controlplane.step.duration";

    private final MeterRegistry registry;

    StepMetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Map<String, Object> invoke(StepExecution step, Chain next) {
        try {
            Map<String, Object> output = next.proceed(step);
            record(step, "success");
            return output;
        } catch (RuntimeException | Error e) {
            record(step, FailurePolicy.classify(e).kind().name().toLowerCase(Locale.ROOT));
            throw e;
        }
    }

    private void record(StepExecution step, String outcome) {
        Timer.builder(STEP_DURATION)
                .description("Duration of step runs, by step handler and outcome, on the host that ran them")
                .tag("handler", step.handler().name())
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry)
                .record(step.tookMillis(), TimeUnit.MILLISECONDS);
    }
}
