package io.controlplane.database.operation;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceRecord;
import io.controlplane.database.InstanceState;
import io.controlplane.database.InstanceStatus;
import io.controlplane.patroni.ClusterView;
import io.controlplane.patroni.LeaderChangeAnswer;
import io.controlplane.patroni.MemberRole;
import io.controlplane.patroni.MemberStatus;
import io.controlplane.patroni.PatroniClient;
import io.controlplane.resource.InstanceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The steps that give a node another primary: choose the candidate, a Patroni switchover (planned, the
 * old primary hands over) or failover (the old primary is down or is left behind), and the wait until
 * the candidate takes writes. The steps run on the candidate's host: it is the member that must be up.
 * A failover is asked of the candidate's Patroni (the leader may be down); a switchover of the leader's,
 * which acts on it at once.
 */
@Service
public class LeaderChange {

    static final Duration PRIMARY_WAIT = Duration.ofSeconds(90);
    /** A monitor status older than this does not vouch for a candidate. */
    static final Duration FRESH_STATUS = Duration.ofSeconds(30);
    private static final Set<String> HEALTHY_STATES = Set.of("running", "streaming");
    private static final Set<String> RESTARTING_STATES = Set.of("starting", "restarting");

    private final DatabaseStore store;
    private final InstanceConfigs configs;

    public LeaderChange(DatabaseStore store, InstanceConfigs configs) {
        this.store = store;
        this.configs = configs;
    }

    /** The instance that becomes primary and where its Patroni calls run. */
    public record Candidate(String instanceId, String hostId, String why) {
    }

    /**
     * "Choose new primary": the requested instance, or the first running replica of the node (by id) whose
     * monitor status is fresh and whose record is available.
     */
    public Candidate choose(String databaseId, String nodeName, Optional<String> requested) {
        Map<String, InstanceSpec> node = nodeInstances(databaseId, nodeName);
        Map<String, InstanceRecord> records = store.instances(databaseId);
        if (requested.isPresent()) {
            String id = requested.get();
            InstanceSpec spec = node.get(id);
            if (spec == null) {
                throw new OperationFailedException("candidate " + id + " is not an instance of node " + nodeName);
            }
            InstanceRecord record = records.get(id);
            if (record != null && record.state() == InstanceState.STOPPED) {
                throw new OperationFailedException("candidate " + id + " is stopped; start it first");
            }
            return new Candidate(id, spec.hostId(), "requested");
        }
        Map<String, InstanceStatus> statuses = store.statuses(databaseId);
        Instant fresh = Instant.now().minus(FRESH_STATUS);
        for (InstanceSpec spec : node.values()) {
            InstanceStatus status = statuses.get(spec.instanceId());
            InstanceRecord record = records.get(spec.instanceId());
            if (status != null && !status.updatedAt().isBefore(fresh)
                    && HEALTHY_STATES.contains(status.patroniState().orElse(""))
                    && !"primary".equals(status.roleOrNull())
                    && record != null && record.state() == InstanceState.AVAILABLE) {
                return new Candidate(spec.instanceId(), spec.hostId(), "a running replica");
            }
        }
        // a replica Patroni is (re)starting, e.g. once to copy the permanent logical slots (pglogical's) from
        // the primary after it rejoined or its container was replaced, is running again in seconds: retry
        for (InstanceSpec spec : node.values()) {
            InstanceStatus status = statuses.get(spec.instanceId());
            InstanceRecord record = records.get(spec.instanceId());
            if (status != null && !status.updatedAt().isBefore(fresh)
                    && RESTARTING_STATES.contains(status.patroniState().orElse(""))
                    && !"primary".equals(status.roleOrNull())
                    && record != null && record.state() == InstanceState.AVAILABLE) {
                throw new TransientException("replica " + spec.instanceId() + " of node " + nodeName + " is "
                        + status.patroniState().orElse("") + "; waiting for it to run");
            }
        }
        throw new OperationFailedException("node " + nodeName + " has no running replica that can become primary ("
                + describe(node, records, statuses) + ")");
    }

    /** "Switch over with Patroni": the current leader hands over to the candidate; done if it already leads. */
    public String switchOver(String databaseId, String nodeName, String candidate) {
        PatroniClient patroni = configs.patroniClient(applied(databaseId, candidate));
        ClusterView cluster = patroni.cluster();
        Optional<ClusterView.Member> leader = cluster.leader();
        if (leader.filter(l -> l.name().equals(candidate)).isPresent()) {
            return candidate + " is the primary of node " + nodeName;
        }
        if (leader.isEmpty()) {
            throw new TransientException("node " + nodeName + " has no leader in Patroni right now; a switchover needs one");
        }
        if (cluster.member(candidate).isEmpty()) {
            throw new TransientException(candidate + " is not a member of node " + nodeName + "'s Patroni cluster yet");
        }
        // sent to the leader, as patronictl does: Patroni wakes the loop of the member that gets the request,
        // and the leader is the one that acts on a switchover (sent to the candidate, it waited for the
        // leader's next loop, up to loop_wait = 10 s: bench/ha-switchover.sh)
        PatroniClient leaderPatroni = store.instanceSpec(databaseId, leader.get().name()).map(configs::patroniClient)
                .orElse(patroni);
        LeaderChangeAnswer answer = leaderPatroni.requestSwitchover(leader.get().name(), candidate);
        return judge("switchover", answer, patroni, nodeName, leader.get().name(), candidate);
    }

    /**
     * "Check that the node needs a failover": refuses (the operation fails) when the node is healthy, as
     * pgEdge does, unless {@code skipValidation}. Healthy: a leader whose own Patroni answers as a
     * running primary, and every member running.
     */
    public String checkNeedsFailover(String databaseId, String nodeName, String candidate, boolean skipValidation) {
        if (skipValidation) {
            return "skip_validation is true: the health of node " + nodeName + " was not checked";
        }
        ClusterView cluster = configs.patroniClient(applied(databaseId, candidate)).cluster();
        Optional<String> problem = problem(databaseId, cluster);
        if (problem.isEmpty()) {
            throw new OperationFailedException("cluster is healthy; refuse failover unless skip_validation is true");
        }
        return "node " + nodeName + " needs a failover: " + problem.get();
    }

    /**
     * "Fail over with Patroni": makes the candidate the leader without the old leader's consent. With the
     * old leader down, Patroni completes it when the old leader's key expires or the old leader comes
     * back and hands over; until then the step is retried and finds the result.
     */
    public String failOver(String databaseId, String nodeName, String candidate) {
        PatroniClient patroni = configs.patroniClient(applied(databaseId, candidate));
        ClusterView cluster = patroni.cluster();
        String oldLeader = cluster.leader().map(ClusterView.Member::name).orElse("(none)");
        if (oldLeader.equals(candidate)) {
            return candidate + " is the primary of node " + nodeName;
        }
        LeaderChangeAnswer answer = patroni.requestFailover(candidate);
        return judge("failover", answer, patroni, nodeName, oldLeader, candidate);
    }

    /** "Wait for new primary writable": the candidate is Patroni's running primary and Postgres takes writes. */
    public String waitForPrimary(String databaseId, String nodeName, String candidate) {
        InstanceSpec spec = applied(databaseId, candidate);
        PatroniClient patroni = configs.patroniClient(spec);
        Instant deadline = Instant.now().plus(PRIMARY_WAIT);
        String last = "no answer from Patroni";
        while (Instant.now().isBefore(deadline)) {
            try {
                Optional<MemberStatus> status = patroni.status();
                if (status.isEmpty()) {
                    last = "Patroni does not answer";
                } else if (status.get().role() != MemberRole.PRIMARY || !status.get().isRunning()) {
                    last = "Patroni says " + status.get().state() + " " + status.get().role().name().toLowerCase();
                } else if (configs.postgres(spec).isInRecovery()) {
                    last = "Postgres is still in recovery";
                } else {
                    return candidate + " is the primary of node " + nodeName + " and accepts writes";
                }
            } catch (TransientException e) {
                last = e.getMessage();
            }
            InstanceLifecycle.sleep(Duration.ofMillis(500));
        }
        throw new TransientException(candidate + " is not the writable primary of node " + nodeName + " yet: " + last);
    }

    /** What Patroni's answer means, after looking at who leads now. */
    private static String judge(String what, LeaderChangeAnswer answer, PatroniClient patroni, String nodeName,
                                String oldLeader, String candidate) {
        Optional<String> leaderNow = patroni.cluster().leader().map(ClusterView.Member::name);
        if (leaderNow.filter(candidate::equals).isPresent()) {
            return what + " of node " + nodeName + " from " + oldLeader + " to " + candidate + ": " + answer.message();
        }
        if (answer.refused() && !answer.message().contains("leader name does not match")) {
            throw new OperationFailedException("Patroni refused the " + what + " of node " + nodeName + " to "
                    + candidate + ": " + answer.message());
        }
        if (answer.changed()) {
            throw new OperationFailedException("Patroni made " + leaderNow.orElse("no member") + " the leader of node "
                    + nodeName + " instead of " + candidate + ": " + answer.message());
        }
        throw new TransientException("the " + what + " of node " + nodeName + " to " + candidate
                + " has not finished (Patroni answered " + answer.status() + ": " + answer.message() + ")");
    }

    /** Why the node is not healthy, or empty when it is. */
    private Optional<String> problem(String databaseId, ClusterView cluster) {
        Optional<ClusterView.Member> leader = cluster.leader();
        if (leader.isEmpty()) {
            return Optional.of("it has no leader");
        }
        if (!HEALTHY_STATES.contains(leader.get().state())) {
            return Optional.of("its leader " + leader.get().name() + " is " + leader.get().state());
        }
        Optional<InstanceSpec> leaderSpec = store.instanceSpec(databaseId, leader.get().name());
        if (leaderSpec.isPresent()) {
            // the cluster view is the DCS's: a killed leader still looks running there until its key expires
            try {
                Optional<MemberStatus> own = configs.patroniClient(leaderSpec.get()).status();
                if (own.isEmpty()) {
                    return Optional.of("the Patroni of its leader " + leader.get().name() + " does not answer");
                }
                if (!own.get().isRunning() || own.get().role() != MemberRole.PRIMARY) {
                    return Optional.of("its leader " + leader.get().name() + " says " + own.get().state() + " "
                            + own.get().role().name().toLowerCase());
                }
            } catch (TransientException | PermanentException e) {
                return Optional.of("its leader " + leader.get().name() + " does not answer: " + e.getMessage());
            }
        }
        return cluster.members().stream().filter(m -> !HEALTHY_STATES.contains(m.state())).findFirst()
                .map(m -> "member " + m.name() + " is " + m.state());
    }

    private Map<String, InstanceSpec> nodeInstances(String databaseId, String nodeName) {
        Map<String, InstanceSpec> node = store.instanceSpecs(databaseId).values().stream()
                .filter(s -> s.nodeName().equals(nodeName))
                .collect(Collectors.toMap(InstanceSpec::instanceId, s -> s, (a, b) -> a, java.util.TreeMap::new));
        if (node.isEmpty()) {
            throw new OperationFailedException("node " + nodeName + " of database " + databaseId + " has no instances");
        }
        return node;
    }

    private static String describe(Map<String, InstanceSpec> node, Map<String, InstanceRecord> records,
                                   Map<String, InstanceStatus> statuses) {
        List<String> parts = node.keySet().stream().map(id -> id + ": "
                + Optional.ofNullable(records.get(id)).map(r -> r.state().wireName()).orElse("no record") + ", "
                + Optional.ofNullable(statuses.get(id)).map(s -> s.patroniState().orElse("no answer") + " "
                        + s.role().orElse("")).orElse("no status").strip()).toList();
        return String.join("; ", parts);
    }

    private InstanceSpec applied(String databaseId, String instanceId) {
        return store.instanceSpec(databaseId, instanceId).orElseThrow(() -> new PermanentException(
                "instance " + instanceId + " of database " + databaseId + " has no stored spec"));
    }
}
