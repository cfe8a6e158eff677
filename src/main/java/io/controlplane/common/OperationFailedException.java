package io.controlplane.common;

/**
 * The operation cannot go on by design (for example: the spec cannot be applied, a failover is refused
 * because the cluster is healthy). The process takes its modelled failure path and the task ends
 * {@code failed} with this message.
 */
public class OperationFailedException extends RuntimeException implements ClassifiedFailure {
    public OperationFailedException(String message) {
        super(message);
    }

    public OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public FailureKind failureKind() {
        return FailureKind.OPERATION_FAILED;
    }
}
