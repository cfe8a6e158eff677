package io.controlplane.etcd.store;

import io.controlplane.etcd.EtcdCalls;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdClients;
import io.controlplane.etcd.EtcdConflictException;
import io.controlplane.etcd.EtcdException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.NoLeaderException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's key-value store over etcd. Keys are absolute paths ({@code /hosts/h1});
 * the configured key root ({@code etcd_key_root}) is put in front of every key on the way in and
 * removed on the way out, so callers never see it. Values are UTF-8 strings (JSON).
 *
 * <p>Failures: {@link io.controlplane.etcd.EtcdUnavailableException} for transient trouble
 * (retry later), {@link EtcdConflictException} when a guarded write lost, {@link
 * io.controlplane.etcd.EtcdPermissionDeniedException} and plain {@link EtcdException} for the rest.
 * Thread-safe; share one instance.
 */
public final class EtcdStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);

    private final EtcdClientConfig config;
    private final String keyRoot;
    private final Client client;

    /**
     * @param keyRoot {@code etcd_key_root}; empty for none. {@code "cp"} and {@code "/cp/"} both
     *     make {@code /hosts/h1} stored as {@code /cp/hosts/h1}
     */
    public EtcdStore(EtcdClientConfig config, String keyRoot) {
        this.config = Objects.requireNonNull(config, "config");
        this.keyRoot = normalizeRoot(Objects.requireNonNull(keyRoot, "keyRoot"));
        this.client = EtcdClients.create(config);
    }

    public EtcdStore(EtcdClientConfig config) {
        this(config, "");
    }

    /** The normalized key root ("" or "/name"). */
    public String keyRoot() {
        return keyRoot;
    }

    public Optional<VersionedValue> get(String key) {
        GetResponse response = call(client.getKVClient().get(bytes(key)), "get " + key);
        return response.getKvs().stream().findFirst().map(EtcdStore::versioned);
    }

    /** All keys under the prefix, in key order (a prefix of "/" is everything under the root). */
    public Map<String, VersionedValue> getPrefix(String prefix) {
        return snapshot(prefix).entries();
    }

    /** Like {@link #getPrefix} plus the revision it was read at, to start a watch from. */
    public PrefixSnapshot snapshot(String prefix) {
        GetResponse response = call(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
                "get prefix " + prefix);
        Map<String, VersionedValue> entries = new LinkedHashMap<>();
        for (KeyValue kv : response.getKvs()) {
            entries.put(strip(kv.getKey()), versioned(kv));
        }
        return new PrefixSnapshot(entries, response.getHeader().getRevision());
    }

    /** Unconditional write. @return the new mod revision of the key */
    public long put(String key, String value) {
        return call(client.getKVClient().put(bytes(key), utf8(value)), "put " + key).getHeader().getRevision();
    }

    /** Write attached to a lease: the key disappears when the lease expires or is revoked. */
    public long put(String key, String value, long leaseId) {
        return call(client.getKVClient().put(bytes(key), utf8(value), PutOption.builder().withLeaseId(leaseId).build()),
                "put " + key).getHeader().getRevision();
    }

    /** @return whether the key existed */
    public boolean delete(String key) {
        return call(client.getKVClient().delete(bytes(key)), "delete " + key).getDeleted() > 0;
    }

    /** @return how many keys were deleted */
    public long deletePrefix(String prefix) {
        return call(client.getKVClient().delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()),
                "delete prefix " + prefix).getDeleted();
    }

    /**
     * Writes only if the key does not exist yet.
     *
     * @return the new mod revision
     * @throws EtcdConflictException if the key exists
     */
    public long create(String key, String value) {
        return transaction().requireAbsent(key).put(key, value).commit();
    }

    /**
     * Writes only if the key still has {@code expectedModRevision} (0: only if absent).
     *
     * @return the new mod revision
     * @throws EtcdConflictException if the key changed meanwhile
     */
    public long compareAndPut(String key, String value, long expectedModRevision) {
        return transaction().requireModRevision(key, expectedModRevision).put(key, value).commit();
    }

    /**
     * Deletes only if the key still has {@code expectedModRevision}.
     *
     * @throws EtcdConflictException if the key changed or is already gone
     */
    public void compareAndDelete(String key, long expectedModRevision) {
        if (expectedModRevision <= 0) {
            throw new IllegalArgumentException("compareAndDelete needs the mod revision of an existing key");
        }
        transaction().requireModRevision(key, expectedModRevision).delete(key).commit();
    }

    /** Starts a multi-key transaction; nothing is sent until {@link EtcdTransaction#commit()}. */
    public EtcdTransaction transaction() {
        return new EtcdTransaction(this);
    }

    /** Follows changes under the prefix from now on. */
    public Subscription watchPrefix(String prefix, WatchListener listener) {
        return watchPrefix(prefix, 0, listener);
    }

    /**
     * Follows changes under the prefix starting at {@code fromRevision} (0: from now). Use
     * {@code snapshot(prefix).revision() + 1} to continue after a read without gaps.
     */
    public Subscription watchPrefix(String prefix, long fromRevision, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        WatchOption.Builder option = WatchOption.builder().isPrefix(true);
        if (fromRevision > 0) {
            option.withRevision(fromRevision);
        }
        Watch.Watcher watcher = client.getWatchClient().watch(bytes(prefix), option.build(), Watch.listener(
                response -> response.getEvents().forEach(event -> deliver(listener, prefix, event)),
                error -> {
                    LOG.warn("watch on {} failed: {}", prefix, error.getMessage());
                    listener.onError(EtcdCalls.translate(error, "watch " + prefix));
                }));
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                watcher.close();
            }
        };
    }

    /** @return a lease id; keys put with it vanish {@code ttl} after the last keep-alive */
    public long grantLease(Duration ttl) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        return call(client.getLeaseClient().grant(seconds), "grant lease").getID();
    }

    /** Renews the lease until closed (jetcd sends a keep-alive every TTL/3). */
    public Subscription keepAlive(long leaseId) {
        CloseableClient keepAlive = client.getLeaseClient().keepAlive(leaseId, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
            }

            @Override
            public void onError(Throwable t) {
                LOG.warn("keep-alive of lease {} failed: {}", Long.toHexString(leaseId), t.getMessage());
            }

            @Override
            public void onCompleted() {
            }
        });
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                keepAlive.close();
            }
        };
    }

    /** Ends the lease now and deletes its keys; an unknown or expired lease is fine. */
    public void revokeLease(long leaseId) {
        try {
            call(client.getLeaseClient().revoke(leaseId), "revoke lease " + Long.toHexString(leaseId));
        } catch (EtcdException e) {
            if (!String.valueOf(e.getMessage()).contains("lease not found")) {
                throw e;
            }
        }
    }

    /**
     * Campaigns for a cluster-wide singleton and blocks until this caller leads. The candidacy
     * lives on a lease kept alive by this process, so a crashed leader is replaced after
     * {@code ttl}.
     *
     * @param election election key, with the key root applied (for example {@code /elections/scheduler})
     * @param value what {@link #leader} reports while this caller leads (for example the host id)
     */
    public Leadership campaign(String election, String value, Duration ttl) {
        CompletableFuture<Leadership> pending = campaignAsync(election, value, ttl);
        try {
            return pending.get();
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new EtcdException("campaign for " + election + " interrupted", e);
        } catch (ExecutionException e) {
            throw EtcdCalls.translate(e.getCause(), "campaign for " + election);
        } catch (CancellationException e) {
            throw new EtcdException("campaign for " + election + " cancelled", e);
        }
    }

    /**
     * Non-blocking {@link #campaign}. Cancelling the future withdraws the candidacy (its lease is
     * revoked).
     */
    public CompletableFuture<Leadership> campaignAsync(String election, String value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        long leaseId = grantLease(ttl);
        Subscription keepAlive = keepAlive(leaseId);
        CompletableFuture<Leadership> result = new CompletableFuture<>();
        result.whenComplete((leadership, error) -> {
            if (result.isCancelled()) {
                keepAlive.close();
                revokeLeaseQuietly(leaseId);
            }
        });
        client.getElectionClient().campaign(bytes(election), leaseId, utf8(value)).whenComplete((response, error) -> {
            if (error != null) {
                keepAlive.close();
                revokeLeaseQuietly(leaseId);
                result.completeExceptionally(EtcdCalls.translate(error, "campaign for " + election));
                return;
            }
            Leadership leadership = new Leadership(this, election, response.getLeader(), leaseId, keepAlive);
            if (!result.complete(leadership)) {
                leadership.close();
            }
        });
        return result;
    }

    /** The current leader's value, if the election has one. */
    public Optional<String> leader(String election) {
        try {
            var response = call(client.getElectionClient().leader(bytes(election)), "leader of " + election);
            KeyValue kv = response.getKv();
            return kv == null ? Optional.empty() : Optional.of(kv.getValue().toString(StandardCharsets.UTF_8));
        } catch (EtcdException e) {
            if (e.getCause() instanceof NoLeaderException || String.valueOf(e.getMessage()).contains("no leader")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        client.close();
    }

    // ---- package-private helpers for EtcdTransaction and Leadership ----

    long commit(List<Cmp> guards, List<Op> operations, List<String> guardedKeys) {
        TxnResponse response = call(client.getKVClient().txn()
                .If(guards.toArray(Cmp[]::new))
                .Then(operations.toArray(Op[]::new))
                .commit(), "transaction");
        if (!response.isSucceeded()) {
            throw new EtcdConflictException("concurrent modification: expected " + guardedKeys
                    + " (mod revision 0 = absent)");
        }
        return response.getHeader().getRevision();
    }

    void resign(LeaderKey leaderKey) {
        try {
            call(client.getElectionClient().resign(leaderKey), "resign");
        } catch (EtcdException e) {
            // the lease may already be gone, in which case there is nothing left to resign
            LOG.debug("resign failed: {}", e.getMessage());
        }
    }

    void revokeLeaseQuietly(long leaseId) {
        try {
            revokeLease(leaseId);
        } catch (EtcdException e) {
            LOG.warn("could not revoke lease {}: {}", Long.toHexString(leaseId), e.getMessage());
        }
    }

    /** Lease of a key given with the root already applied; -1 if the key does not exist. */
    long rawLeaseOf(String fullKey) {
        GetResponse response = call(client.getKVClient().get(utf8(fullKey)), "get " + fullKey);
        return response.getKvs().stream().findFirst().map(KeyValue::getLease).orElse(-1L);
    }

    ByteSequence bytes(String key) {
        Objects.requireNonNull(key, "key");
        if (!key.startsWith("/")) {
            throw new IllegalArgumentException("store keys start with '/': " + key);
        }
        return utf8(keyRoot + key);
    }

    static ByteSequence utf8(String value) {
        return ByteSequence.from(Objects.requireNonNull(value, "value"), StandardCharsets.UTF_8);
    }

    private void deliver(WatchListener listener, String prefix, io.etcd.jetcd.watch.WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        WatchEvent mapped = switch (event.getEventType()) {
            case PUT -> new WatchEvent(WatchEvent.Type.PUT, strip(kv.getKey()),
                    Optional.of(kv.getValue().toString(StandardCharsets.UTF_8)), kv.getModRevision());
            case DELETE -> new WatchEvent(WatchEvent.Type.DELETE, strip(kv.getKey()), Optional.empty(),
                    kv.getModRevision());
            default -> null;
        };
        if (mapped == null) {
            return;
        }
        try {
            listener.onEvent(mapped);
        } catch (RuntimeException e) {
            // a failing listener must not end the watch for the events after this one
            LOG.warn("watch listener on {} failed for {}: {}", prefix, mapped.key(), e.toString());
        }
    }

    private String strip(ByteSequence key) {
        String full = key.toString(StandardCharsets.UTF_8);
        return full.startsWith(keyRoot) ? full.substring(keyRoot.length()) : full;
    }

    private static VersionedValue versioned(KeyValue kv) {
        return new VersionedValue(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision(),
                kv.getCreateRevision(), kv.getVersion(), kv.getLease());
    }

    private <T> T call(CompletableFuture<T> future, String what) {
        return EtcdCalls.await(future, config.requestTimeout(), what);
    }

    static String normalizeRoot(String root) {
        String trimmed = root.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? "" : "/" + trimmed;
    }
}
