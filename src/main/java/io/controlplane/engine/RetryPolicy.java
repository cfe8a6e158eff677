package io.controlplane.engine;

import java.util.Map;

/**
 * How often a transiently failing step is retried and how long to wait in between: {@code retries}
 * attempts after the first, with an exponential backoff from {@code baseSeconds} capped at
 * {@code maxSeconds}. A BPMN element can override both with the extension properties {@code retries}
 * and {@code retry_backoff_seconds}.
 */
record RetryPolicy(int retries, long baseSeconds, long maxSeconds) {

    static final RetryPolicy DEFAULT = new RetryPolicy(5, 2, 60);

    static RetryPolicy from(Map<String, String> extensionProperties) {
        int retries = parse(extensionProperties.get("retries"), DEFAULT.retries);
        long base = parse(extensionProperties.get("retry_backoff_seconds"), (int) DEFAULT.baseSeconds);
        return new RetryPolicy(Math.max(0, retries), Math.max(0, base), Math.max(base, DEFAULT.maxSeconds));
    }

    /** The retries left after a failure, given the count the engine holds (null before the first failure). */
    int retriesLeftAfterFailure(Integer current) {
        return current == null ? retries : Math.max(0, current - 1);
    }

    /** Milliseconds to wait before the attempt that leaves {@code retriesLeft} retries. */
    long backoffMillis(int retriesLeft) {
        int failuresSoFar = retries - retriesLeft;
        long seconds = baseSeconds << Math.min(20, Math.max(0, failuresSoFar - 1));
        return Math.min(seconds, maxSeconds) * 1000L;
    }

    private static int parse(String s, int fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
