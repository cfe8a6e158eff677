package io.controlplane.patroni;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One member's view of itself ({@code GET /patroni}).
 *
 * @param state              Patroni's Postgres state: {@code running}, {@code starting}, {@code stopped},
 *                           {@code restarting}, {@code creating replica}, ...
 * @param serverVersion      {@code server_version} as a number (150018), 0 when Postgres is not up
 * @param timeline           0 when unknown
 * @param walPosition        the primary's current WAL position, or the replica's replayed position; 0
 *                           when unknown
 * @param receivedPosition   a replica's received WAL position; 0 on a primary or when unknown
 * @param replicationStateOrNull a replica's {@code replication_state} ({@code streaming}, ...); absent in
 *                           Patroni 3.0.2
 * @param replication        the primary's {@code pg_stat_replication} rows as Patroni reports them
 * @param paused             Patroni is paused (maintenance mode: no automatic failover), {@code "pause": true}
 * @param postmasterStartOrNull when Postgres last started ({@code postmaster_start_time}); null when down
 */
public record MemberStatus(
        String state,
        MemberRole role,
        boolean pendingRestart,
        int serverVersion,
        long timeline,
        long walPosition,
        long receivedPosition,
        String replicationStateOrNull,
        List<Replication> replication,
        boolean paused,
        Instant postmasterStartOrNull) {

    public MemberStatus {
        replication = List.copyOf(replication);
    }

    /** A member that is not paused and whose start time is not known. */
    public MemberStatus(String state, MemberRole role, boolean pendingRestart, int serverVersion, long timeline,
                        long walPosition, long receivedPosition, String replicationStateOrNull,
                        List<Replication> replication) {
        this(state, role, pendingRestart, serverVersion, timeline, walPosition, receivedPosition,
                replicationStateOrNull, replication, false, null);
    }

    public Optional<Instant> postmasterStart() {
        return Optional.ofNullable(postmasterStartOrNull);
    }

    public boolean isRunning() {
        return "running".equals(state);
    }

    public Optional<String> replicationState() {
        return Optional.ofNullable(replicationStateOrNull);
    }

    /** A streaming connection to this member, as in its {@code replication} list. */
    public record Replication(String usename, String applicationName, String clientAddress, String state,
            String syncState) {
    }
}
