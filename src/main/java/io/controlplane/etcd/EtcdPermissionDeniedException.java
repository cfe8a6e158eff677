package io.controlplane.etcd;

/** The etcd user lacks the permission for the key or operation ("etcdserver: permission denied"). */
public class EtcdPermissionDeniedException extends EtcdException {

    public EtcdPermissionDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
