package io.controlplane.etcd.store;

import io.controlplane.etcd.EtcdConflictException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Several puts and deletes applied atomically, only if every guard holds. Build with
 * {@link EtcdStore#transaction()}. etcd rejects a transaction that writes the same key twice or
 * has more than 128 operations.
 */
public final class EtcdTransaction {

    private final EtcdStore store;
    private final List<Cmp> guards = new ArrayList<>();
    private final List<String> guardedKeys = new ArrayList<>();
    private final List<Op> operations = new ArrayList<>();

    EtcdTransaction(EtcdStore store) {
        this.store = store;
    }

    /** The key must currently have this mod revision; 0 means it must not exist. */
    public EtcdTransaction requireModRevision(String key, long modRevision) {
        guards.add(new Cmp(store.bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)));
        guardedKeys.add(key + "@" + modRevision);
        return this;
    }

    public EtcdTransaction requireAbsent(String key) {
        return requireModRevision(key, 0);
    }

    public EtcdTransaction put(String key, String value) {
        operations.add(Op.put(store.bytes(key), EtcdStore.utf8(value), PutOption.DEFAULT));
        return this;
    }

    public EtcdTransaction put(String key, String value, long leaseId) {
        operations.add(Op.put(store.bytes(key), EtcdStore.utf8(value),
                PutOption.builder().withLeaseId(leaseId).build()));
        return this;
    }

    public EtcdTransaction delete(String key) {
        operations.add(Op.delete(store.bytes(key), DeleteOption.DEFAULT));
        return this;
    }

    /** Deletes every key under the prefix (with the key root applied). */
    public EtcdTransaction deletePrefix(String prefix) {
        operations.add(Op.delete(store.bytes(prefix), DeleteOption.builder().isPrefix(true).build()));
        return this;
    }

    /**
     * Applies the operations.
     *
     * @return the store revision after the commit
     * @throws EtcdConflictException when a guard did not hold; nothing was written then
     */
    public long commit() {
        return store.commit(guards, operations, guardedKeys);
    }
}
