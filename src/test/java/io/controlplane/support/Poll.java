package io.controlplane.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition in tests; fails with the last observed value. */
public final class Poll {

    private Poll() {
    }

    public static <T> T until(Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> done,
                              String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last: " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            last = probe.get();
        }
        return last;
    }
}
