package io.controlplane.common;

/**
 * A failure that retrying will not fix without someone changing something (a port taken by another
 * program, a missing image). The step raises an incident at once; an operator fixes the cause and
 * retries the step in Cockpit.
 */
public class PermanentException extends RuntimeException implements ClassifiedFailure {
    public PermanentException(String message) {
        super(message);
    }

    public PermanentException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public FailureKind failureKind() {
        return FailureKind.PERMANENT;
    }
}
