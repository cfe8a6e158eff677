package io.controlplane.etcd.store;

/** A running watch or lease keep-alive. Closing is idempotent and never throws. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
