package io.controlplane.common;

/**
 * A failure that may go away by itself (a container still starting, a timeout, etcd briefly
 * unavailable). The engine retries the step with a backoff before raising an incident.
 */
public class TransientException extends RuntimeException implements ClassifiedFailure {
    public TransientException(String message) {
        super(message);
    }

    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public FailureKind failureKind() {
        return FailureKind.TRANSIENT;
    }
}
