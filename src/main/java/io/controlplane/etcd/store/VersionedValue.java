package io.controlplane.etcd.store;

import java.util.Objects;

/**
 * A stored value with the revisions needed for optimistic concurrency.
 *
 * @param modRevision pass this to {@code compareAndPut}/{@code compareAndDelete}
 * @param leaseId 0 when the key is not attached to a lease
 */
public record VersionedValue(String value, long modRevision, long createRevision, long version, long leaseId) {

    public VersionedValue {
        Objects.requireNonNull(value, "value");
    }
}
