package io.controlplane.etcd;

import io.controlplane.common.FailureKind;

/**
 * A guarded write lost: the key was changed, created or deleted by someone else since it was
 * read. Re-read and retry, or report a conflict; a step that lets it escape is retried, and its
 * next run reads the new state.
 */
public class EtcdConflictException extends EtcdException {

    public EtcdConflictException(String message) {
        super(message, null, FailureKind.TRANSIENT);
    }
}
