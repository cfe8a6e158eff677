package io.controlplane.etcd;

import io.controlplane.common.FailureKind;
import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd futures and turns their failures into this package's unchecked exceptions, so
 * callers never see checked exceptions or gRPC types.
 */
public final class EtcdCalls {

    private EtcdCalls() {
    }

    public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EtcdUnavailableException(what + ": no answer from etcd within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new EtcdException(what + ": interrupted", e);
        } catch (ExecutionException | CompletionException e) {
            throw translate(e.getCause() == null ? e : e.getCause(), what);
        } catch (CancellationException e) {
            throw new EtcdException(what + ": cancelled", e);
        }
    }

    /**
     * Maps a jetcd/gRPC failure to an {@link EtcdException} whose {@link EtcdException#failureKind()}
     * follows etcd's status code (see {@link #failureKind(Status.Code, String)}).
     */
    public static EtcdException translate(Throwable failure, String what) {
        Throwable cause = unwrap(failure);
        if (cause instanceof EtcdException own) {
            return own;
        }
        String message = describe(cause);
        String text = what + ": " + message;
        Status.Code code = statusCode(cause);
        if (code == null) {
            // not an answer of etcd: the connection broke, or something unexpected in the client
            return cause instanceof java.io.IOException || cause instanceof TimeoutException
                    ? new EtcdUnavailableException(text, cause) : new EtcdException(text, cause);
        }
        if (code == Status.Code.PERMISSION_DENIED || message.contains("permission denied")) {
            return new EtcdPermissionDeniedException(text, cause);
        }
        FailureKind kind = failureKind(code, message);
        if (kind == FailureKind.TRANSIENT && (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || isTransient(message))) {
            return new EtcdUnavailableException(text, cause);
        }
        return new EtcdException(text, cause, kind);
    }

    /**
     * The kind of a raw jetcd or gRPC failure that reached a caller without passing {@link #translate};
     * empty for any other throwable (its causes are not looked at).
     */
    public static Optional<FailureKind> failureKindOf(Throwable failure) {
        if (failure instanceof EtcdException own) {
            return Optional.of(own.failureKind());
        }
        return statusCode(failure) == null ? Optional.empty() : Optional.of(translate(failure, "etcd").failureKind());
    }

    /**
     * What a step should do about an etcd answer with this status. etcd's own errors map to gRPC codes
     * (etcd {@code api/v3rpc/rpctypes}): no leader, timeouts and unhealthy members are UNAVAILABLE, too
     * many requests RESOURCE_EXHAUSTED, an unknown auth token (after a member restart; the client logs
     * in again) UNAUTHENTICATED; a wrong password, an empty user name or a too large request are
     * INVALID_ARGUMENT, missing rights PERMISSION_DENIED, a compacted revision OUT_OF_RANGE, auth not
     * enabled or a member that exists already FAILED_PRECONDITION.
     */
    static FailureKind failureKind(Status.Code code, String message) {
        return switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, CANCELLED, UNKNOWN, INTERNAL ->
                    FailureKind.TRANSIENT;
            case UNAUTHENTICATED -> message.contains("invalid auth token")
                    ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
            case PERMISSION_DENIED, INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE,
                    UNIMPLEMENTED, DATA_LOSS -> isTransient(message) ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
            case OK -> FailureKind.TRANSIENT;
        };
    }

    private static Status.Code statusCode(Throwable t) {
        if (t instanceof io.etcd.jetcd.common.exception.EtcdException etcd) {
            return Status.Code.valueOf(etcd.getErrorCode().name());
        }
        if (t instanceof io.grpc.StatusRuntimeException || t instanceof io.grpc.StatusException) {
            return Status.fromThrowable(t).getCode();
        }
        return null;
    }

    /** Raft-level hiccups that etcd reports with non-UNAVAILABLE codes but that clear by themselves. */
    private static boolean isTransient(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("no leader") || m.contains("leader changed") || m.contains("request timed out")
                || m.contains("timed out") || m.contains("too many requests") || m.contains("connection refused")
                || m.contains("unhealthy cluster") || m.contains("not capable");
    }

    /**
     * gRPC wraps etcd's own text ("etcdserver: ...") in causes under a bare status such as
     * UNAUTHENTICATED; report the most specific message.
     */
    private static String describe(Throwable cause) {
        String best = String.valueOf(cause.getMessage());
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("etcdserver:")) {
                return m.replaceFirst("^[A-Z_]+: ", "");
            }
        }
        return best;
    }

    /** True for the error etcd returns once a (simple) auth token is unknown, e.g. after a restart. */
    public static boolean isInvalidAuthToken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("invalid auth token")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
