package io.controlplane.common;

/**
 * An exception that knows its {@link FailureKind}. Our own failure types implement it, and so do
 * adapter exceptions that cannot extend them (the etcd family), so that the step worker's failure
 * policy needs no knowledge of any client library.
 */
public interface ClassifiedFailure {

    FailureKind failureKind();
}
