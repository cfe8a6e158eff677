package io.controlplane.etcd;

/** Any failure talking to or running etcd that is neither transient nor a CAS conflict. */
public class EtcdException extends RuntimeException {

    public EtcdException(String message) {
        super(message);
    }

    public EtcdException(String message, Throwable cause) {
        super(message, cause);
    }
}
