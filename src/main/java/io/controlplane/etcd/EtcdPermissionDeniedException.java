package io.controlplane.etcd;

import io.controlplane.common.FailureKind;

/**
 * The etcd user lacks the permission for the key or operation ("etcdserver: permission denied").
 * Permanent: retrying with the same user cannot succeed; someone has to fix the user's role.
 */
public class EtcdPermissionDeniedException extends EtcdException {

    public EtcdPermissionDeniedException(String message, Throwable cause) {
        super(message, cause, FailureKind.PERMANENT);
    }
}
