package io.controlplane.etcd;

import io.controlplane.common.FailureKind;

/**
 * etcd could not be reached or did not answer in time (no leader, connection refused, timeout).
 * Transient: the same call may succeed later.
 */
public class EtcdUnavailableException extends EtcdException {

    public EtcdUnavailableException(String message, Throwable cause) {
        super(message, cause, FailureKind.TRANSIENT);
    }
}
