package io.controlplane.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;
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

    /** Maps a jetcd/gRPC failure to an {@link EtcdException} subtype. */
    public static EtcdException translate(Throwable failure, String what) {
        Throwable cause = unwrap(failure);
        if (cause instanceof EtcdException own) {
            return own;
        }
        String message = describe(cause);
        String text = what + ": " + message;
        if (cause instanceof io.etcd.jetcd.common.exception.EtcdException etcd) {
            ErrorCode code = etcd.getErrorCode();
            if (code == ErrorCode.PERMISSION_DENIED || message.contains("permission denied")) {
                return new EtcdPermissionDeniedException(text, cause);
            }
            if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.DEADLINE_EXCEEDED || isTransient(message)) {
                return new EtcdUnavailableException(text, cause);
            }
            return new EtcdException(text, cause);
        }
        if (cause instanceof io.grpc.StatusRuntimeException || cause instanceof io.grpc.StatusException) {
            Status.Code code = Status.fromThrowable(cause).getCode();
            if (code == Status.Code.PERMISSION_DENIED) {
                return new EtcdPermissionDeniedException(text, cause);
            }
            if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || isTransient(message)) {
                return new EtcdUnavailableException(text, cause);
            }
            return new EtcdException(text, cause);
        }
        if (cause instanceof java.io.IOException || cause instanceof TimeoutException) {
            return new EtcdUnavailableException(text, cause);
        }
        return new EtcdException(text, cause);
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
