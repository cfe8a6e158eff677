package io.controlplane.common;

/**
 * The operation cannot go on by design (for example: the spec cannot be applied, a failover is refused
 * because the cluster is healthy). The process takes its modelled failure path and the task ends
 * {@code failed} with this message.
 */
public class OperationFailedException extends RuntimeException {
    public OperationFailedException(String message) {
        super(message);
    }
}
