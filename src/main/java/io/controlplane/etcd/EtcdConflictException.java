package io.controlplane.etcd;

/**
 * A guarded write lost: the key was changed, created or deleted by someone else since it was
 * read. Re-read and retry, or report a conflict.
 */
public class EtcdConflictException extends EtcdException {

    public EtcdConflictException(String message) {
        super(message);
    }
}
