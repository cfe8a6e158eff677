package io.controlplane.etcd;

import io.controlplane.common.ClassifiedFailure;
import io.controlplane.common.FailureKind;
import java.util.Objects;

/**
 * Any failure talking to or running etcd. It carries what a step should do about it: {@link
 * EtcdCalls#translate} sets the kind from etcd's answer; one made without a kind is transient, as
 * an unexpected etcd hiccup usually is.
 */
public class EtcdException extends RuntimeException implements ClassifiedFailure {

    private final FailureKind failureKind;

    public EtcdException(String message) {
        this(message, null, FailureKind.TRANSIENT);
    }

    public EtcdException(String message, Throwable cause) {
        this(message, cause, FailureKind.TRANSIENT);
    }

    public EtcdException(String message, Throwable cause, FailureKind failureKind) {
        super(message, cause);
        this.failureKind = Objects.requireNonNull(failureKind, "failureKind");
    }

    @Override
    public FailureKind failureKind() {
        return failureKind;
    }
}
