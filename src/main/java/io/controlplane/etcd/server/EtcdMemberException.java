package io.controlplane.etcd.server;

import io.controlplane.etcd.EtcdException;

/** The etcd process could not be started, did not become healthy, or could not be stopped. */
public class EtcdMemberException extends EtcdException {

    public EtcdMemberException(String message) {
        super(message);
    }

    public EtcdMemberException(String message, Throwable cause) {
        super(message, cause);
    }
}
