package io.controlplane.engine;

import io.controlplane.common.ClassifiedFailure;
import io.controlplane.common.FailureKind;
import io.controlplane.etcd.EtcdCalls;
import io.controlplane.postgres.SqlStates;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Decides what the engine does with a step that threw, in the manner of Conductor's transient and
 * non-transient failures: retry with a backoff, raise an incident at once (an operator fixes the
 * cause and retries the step in Cockpit), or end the operation on its modelled failure path.
 *
 * <p>Adapters map their errors to our types at their edge ({@link ClassifiedFailure}: our three
 * exceptions and the etcd family; Docker inside {@code swarm}; Patroni and SQL in their clients).
 * Errors that arrive raw are classified by their cause chain: a jetcd or gRPC status, a SQLSTATE,
 * an I/O failure. Anything else is unexpected: it is retried like a transient failure, and the
 * classification says that it was a guess.
 */
final class FailurePolicy {

    private static final int MAX_MESSAGE = 600;

    private FailurePolicy() {
    }

    enum Action {
        /** Hand the step back to the engine with fewer retries and a backoff. */
        RETRY,
        /** No retries left: the engine raises an incident that Cockpit shows and can retry. */
        INCIDENT,
        /** Throw the BPMN error {@value StepWorker#OPERATION_FAILED}: the modelled failure path. */
        FAIL_OPERATION
    }

    /**
     * @param kind   what the failure needs
     * @param basis  what decided it (the exception type that carried the kind, or the guess)
     * @param known  false when nothing in the cause chain told us and {@code kind} is the fallback
     */
    record Classification(FailureKind kind, String basis, boolean known) {
    }

    /**
     * @param message       what the task log, the incident and the task's error show
     * @param retriesLeft   what the engine keeps for the next failure (0 for an incident)
     * @param backoffMillis how long the engine waits before the next attempt (0 unless {@link Action#RETRY})
     */
    record Decision(Action action, Classification classification, String message, int retriesLeft,
                    long backoffMillis) {
    }

    /** The decision for {@code failure}, given the step's retry policy and the retries the engine holds. */
    static Decision decide(Throwable failure, RetryPolicy retries, Integer retriesHeld) {
        Classification classification = classify(failure);
        return switch (classification.kind()) {
            case OPERATION_FAILED -> new Decision(Action.FAIL_OPERATION, classification,
                    operationMessage(failure), 0, 0);
            case PERMANENT -> new Decision(Action.INCIDENT, classification, summary(failure), 0, 0);
            case TRANSIENT -> {
                int left = retries.retriesLeftAfterFailure(retriesHeld);
                yield left > 0
                        ? new Decision(Action.RETRY, classification, summary(failure), left, retries.backoffMillis(left))
                        : new Decision(Action.INCIDENT, classification, summary(failure), 0, 0);
            }
        };
    }

    /** The kind of {@code failure}: the outermost exception in its cause chain that tells wins. */
    static Classification classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<Classification> known = classifyOne(t);
            if (known.isPresent()) {
                return known.get();
            }
        }
        return new Classification(FailureKind.TRANSIENT,
                "unclassified " + failure.getClass().getName() + ", treated as transient", false);
    }

    private static Optional<Classification> classifyOne(Throwable t) {
        String type = t.getClass().getSimpleName();
        if (t instanceof ClassifiedFailure classified) {
            return Optional.of(new Classification(classified.failureKind(), type, true));
        }
        Optional<FailureKind> etcd = EtcdCalls.failureKindOf(t);
        if (etcd.isPresent()) {
            return Optional.of(new Classification(etcd.get(), "etcd " + type, true));
        }
        if (t instanceof SQLException sql) {
            // raw SQL errors come from our own statements: user statements go through PostgresAdmin
            return Optional.of(new Classification(
                    SqlStates.failureKind(sql.getSQLState(), SqlStates.Author.CONTROL_PLANE),
                    "SQLSTATE " + (sql.getSQLState() == null ? "none" : sql.getSQLState()), true));
        }
        if (t instanceof IOException || t instanceof TimeoutException) {
            return Optional.of(new Classification(FailureKind.TRANSIENT, type, true));
        }
        return Optional.empty();
    }

    /** The message of the exception that ended the operation (it may be wrapped). */
    private static String operationMessage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClassifiedFailure c && c.failureKind() == FailureKind.OPERATION_FAILED) {
                return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            }
        }
        return summary(failure);
    }

    /** First line of the message, at most {@value #MAX_MESSAGE} characters: what an incident can hold. */
    static String summary(Throwable e) {
        String m = e.getMessage();
        String text = (m == null || m.isBlank()) ? e.getClass().getSimpleName() : m;
        int nl = text.indexOf('\n');
        text = nl > 0 ? text.substring(0, nl) : text;
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE - 3) + "..." : text;
    }
}
