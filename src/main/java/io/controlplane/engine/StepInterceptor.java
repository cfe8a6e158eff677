package io.controlplane.engine;

import java.util.List;
import java.util.Map;

/**
 * One cross-cutting concern wrapped around every step handler call, like a link of Camunda's command
 * interceptor chain: the task log and timing, the failure policy, the completion, the lock renewal.
 * A link does its part and calls {@code next} for the rest of the chain.
 */
interface StepInterceptor {

    /** Runs the step through this link; returns the handler's output (empty when the step failed). */
    Map<String, Object> invoke(StepExecution step, Chain next);

    /** The links after the current one, ending with the handler call. */
    @FunctionalInterface
    interface Chain {
        Map<String, Object> proceed(StepExecution step);
    }

    /** {@code links} from outermost to innermost, around {@code handlerCall}. */
    static Chain chain(List<StepInterceptor> links, Chain handlerCall) {
        Chain next = handlerCall;
        for (int i = links.size() - 1; i >= 0; i--) {
            StepInterceptor link = links.get(i);
            Chain rest = next;
            next = step -> link.invoke(step, rest);
        }
        return next;
    }
}
