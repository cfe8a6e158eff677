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
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.etcd.jetcd.options.LeaseOption;
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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
     * jetcd completes futures and delivers watch events on its Vert.x event loop; anything that may
     * call etcd again (listeners, lease cleanup) runs here instead, or it would block the loop that
     * has to deliver its own answer.
     */
    private final ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "etcd-store-callback");
        t.setDaemon(true);
        return t;
    });
    /** Lease renewals and watch re-opens. */
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "etcd-store-timer");
        t.setDaemon(true);
        return t;
    });

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
     * {@code snapshot(prefix).revision() + 1} to continue after a read without gaps. The watch
     * survives etcd restarts: it resumes after the last delivered revision, so no event is lost
     * or repeated. It ends with {@link WatchListener#onError} only if etcd compacted the history
     * it would need.
     */
    public Subscription watchPrefix(String prefix, long fromRevision, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        bytes(prefix);
        long start = fromRevision > 0 ? fromRevision : currentRevision(prefix) + 1;
        ResilientWatch watch = new ResilientWatch(prefix, start, listener);
        watch.open();
        return watch::close;
    }

    /**
     * jetcd resumes a broken watch stream by itself only until etcd answers "invalid auth token"
     * (which it does after every restart, since simple tokens live in memory); then the watch is
     * dead. So every stream error closes the jetcd watcher and opens a new one here, after a KV
     * read that makes jetcd fetch a fresh token.
     */
    private final class ResilientWatch {
        private final String prefix;
        private final WatchListener listener;
        private final Executor serial = new SerialExecutor(callbacks);
        private volatile long nextRevision;
        private Watch.Watcher current;
        private int generation;
        private int failures;
        private boolean closed;

        ResilientWatch(String prefix, long nextRevision, WatchListener listener) {
            this.prefix = prefix;
            this.nextRevision = nextRevision;
            this.listener = listener;
        }

        synchronized void open() {
            if (closed) {
                return;
            }
            int mine = ++generation;
            WatchOption option = WatchOption.builder().isPrefix(true).withRevision(nextRevision).build();
            current = client.getWatchClient().watch(bytes(prefix), option, Watch.listener(
                    response -> onResponse(mine, response.getEvents()),
                    error -> onError(mine, error)));
        }

        private void onResponse(int from, List<io.etcd.jetcd.watch.WatchEvent> events) {
            synchronized (this) {
                if (from != generation || closed) {
                    return;
                }
                failures = 0;
            }
            for (io.etcd.jetcd.watch.WatchEvent event : events) {
                nextRevision = Math.max(nextRevision, event.getKeyValue().getModRevision() + 1);
                serial.execute(() -> deliver(listener, prefix, event));
            }
        }

        private void onError(int from, Throwable error) {
            long delay;
            synchronized (this) {
                if (from != generation || closed) {
                    return;
                }
                generation++;
                current.close();
                if (error instanceof CompactedException || String.valueOf(error.getMessage()).contains("compacted")) {
                    closed = true;
                    EtcdException translated = EtcdCalls.translate(error, "watch " + prefix);
                    LOG.warn("watch on {} ended: {}", prefix, translated.getMessage());
                    serial.execute(() -> listener.onError(translated));
                    return;
                }
                delay = Math.min(5000, 200L << Math.min(failures, 5));
                failures++;
            }
            LOG.info("watch on {} interrupted ({}); resuming at revision {} in {} ms", prefix, error.getMessage(),
                    nextRevision, delay);
            try {
                scheduler.schedule(this::reopen, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // store closed
            }
        }

        private void reopen() {
            try {
                currentRevision(prefix);
            } catch (EtcdException e) {
                // the new watcher fails too and schedules the next attempt
            }
            open();
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                generation++;
                current.close();
            }
        }
    }

    /** Current store revision, read under the prefix (so a user limited to it may call it too). */
    private long currentRevision(String prefix) {
        return call(client.getKVClient().get(bytes(prefix),
                GetOption.builder().isPrefix(true).withKeysOnly(true).withLimit(1).build()), "read revision")
                .getHeader().getRevision();
    }

    /** @return a lease id; keys put with it vanish {@code ttl} after the last keep-alive */
    public long grantLease(Duration ttl) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        return call(client.getLeaseClient().grant(seconds), "grant lease").getID();
    }

    /**
     * Renews the lease every third of its TTL until closed. This uses single keep-alive requests
     * instead of jetcd's keep-alive stream, which stays broken with "invalid auth token" once an
     * etcd member restarted.
     */
    public Subscription keepAlive(long leaseId) {
        long ttlSeconds = call(client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT), "lease ttl")
                .getGrantedTTL();
        if (ttlSeconds <= 0) {
            throw new EtcdException("lease " + Long.toHexString(leaseId) + " does not exist");
        }
        long period = Math.max(500, ttlSeconds * 1000 / 3);
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(scheduler.scheduleWithFixedDelay(() -> renew(leaseId, Duration.ofMillis(period), task),
                period, period, TimeUnit.MILLISECONDS));
        return () -> task.get().cancel(false);
    }

    private void renew(long leaseId, Duration period, AtomicReference<ScheduledFuture<?>> task) {
        try {
            LeaseKeepAliveResponse response;
            try {
                response = EtcdCalls.await(client.getLeaseClient().keepAliveOnce(leaseId), period, "keep-alive");
            } catch (EtcdException e) {
                if (!EtcdCalls.isInvalidAuthToken(e)) {
                    throw e;
                }
                currentRevision("/");
                response = EtcdCalls.await(client.getLeaseClient().keepAliveOnce(leaseId), period, "keep-alive");
            }
            if (response.getTTL() <= 0) {
                LOG.warn("lease {} expired; keep-alive stopped", Long.toHexString(leaseId));
                task.get().cancel(false);
            }
        } catch (EtcdException e) {
            if (e.getCause() instanceof NoSuchLeaseException || String.valueOf(e.getMessage()).contains("lease not found")) {
                LOG.warn("lease {} is gone; keep-alive stopped", Long.toHexString(leaseId));
                task.get().cancel(false);
            } else {
                LOG.warn("keep-alive of lease {} failed, will retry: {}", Long.toHexString(leaseId), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("keep-alive of lease {} failed, will retry", Long.toHexString(leaseId), e);
        }
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
        result.whenCompleteAsync((leadership, error) -> {
            if (result.isCancelled()) {
                keepAlive.close();
                revokeLeaseQuietly(leaseId);
            }
        }, callbacks);
        client.getElectionClient().campaign(bytes(election), leaseId, utf8(value)).whenCompleteAsync((response, error) -> {
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
        }, callbacks);
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
        scheduler.shutdownNow();
        client.close();
        callbacks.shutdownNow();
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
