package io.controlplane.etcd.pki;

/** A certificate or key could not be created, parsed or written. */
public class PkiException extends RuntimeException {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
