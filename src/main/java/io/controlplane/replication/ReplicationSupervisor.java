package io.controlplane.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps the subscriptions of the primaries on this host replicating, and reports them. The instance
 * monitor calls it for each primary every few seconds.
 *
 * <p>After a switchover or failover of a provider node, the subscriber's apply process fails against the
 * demoted member; pglogical retries after about 5 s, and when that retry also fails it sleeps for 180 s
 * (postgres-stack.md, "what a Patroni switchover or failover does to pglogical"). The connection string
 * already lists every member with {@code target_session_attrs=read-write}, so a restart at once finds the
 * new primary: a subscription that is {@code down} is restarted, at most every {@link #RESTART_INTERVAL}.
 * A subscription left disabled for longer than {@link #DISABLED_GRACE} (a node copy pauses its source's
 * subscriptions for seconds; a crash in that moment would leave them paused) is enabled again. Both write a
 * log line.
 */
@Component
public class ReplicationSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSupervisor.class);
    static final Duration RESTART_INTERVAL = Duration.ofSeconds(10);
    static final Duration DISABLED_GRACE = Duration.ofMinutes(5);

    private final ReplicationProvider provider;
    private final Clock clock;
    /** Per database and subscription: when we last restarted it, and since when we have seen it disabled. */
    private final Map<String, Instant> lastRestart = new ConcurrentHashMap<>();
    private final Map<String, Instant> disabledSince = new ConcurrentHashMap<>();

    @Autowired
    public ReplicationSupervisor(ReplicationProvider provider) {
        this(provider, Clock.systemUTC());
    }

    ReplicationSupervisor(ReplicationProvider provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
    }

    /**
     * Repairs what it can on the node's primary and returns the status to show; empty when replication
     * is not installed there (yet).
     *
     * @param scope what tells the databases apart on this host, e.g. the instance id
     */
    public Optional<ReplicationStatus> supervise(String scope, ReplicationNode node) {
        List<Subscription> subscriptions = provider.subscriptions(node);
        Instant now = clock.instant();
        for (Subscription s : subscriptions) {
            String key = scope + "/" + s.name();
            if (s.isDown() && s.copyState() == CopyState.READY) {
                Instant last = lastRestart.get(key);
                if (last == null || !now.isBefore(last.plus(RESTART_INTERVAL))) {
                    lastRestart.put(key, now);
                    LOG.info("replication supervisor: subscription {} of node {} is down; restarting it so that it"
                            + " connects to the current primary of node {}", s.name(), node.name(), s.providerNode());
                    provider.restart(node, s.providerNode());
                }
            }
            if (!s.enabled()) {
                Instant since = disabledSince.computeIfAbsent(key, k -> now);
                if (!now.isBefore(since.plus(DISABLED_GRACE))) {
                    LOG.warn("replication supervisor: subscription {} of node {} has been disabled for {} s; enabling"
                            + " it again", s.name(), node.name(), Duration.between(since, now).toSeconds());
                    provider.setEnabled(node, s.providerNode(), true);
                    disabledSince.remove(key);
                }
            } else {
                disabledSince.remove(key);
            }
        }
        return provider.status(node);
    }
}
