package io.controlplane.patroni;

import java.util.List;
import java.util.Optional;

/** The members of one Patroni cluster as a member sees them ({@code GET /cluster}). */
public record ClusterView(List<Member> members) {

    public ClusterView {
        members = List.copyOf(members);
    }

    public Optional<Member> leader() {
        return members.stream().filter(m -> m.role() == MemberRole.PRIMARY).findFirst();
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * @param lagBytesOrNull replication lag in bytes; null for the leader and when Patroni says "unknown"
     */
    public record Member(String name, MemberRole role, String state, String host, int port, long timeline,
            Long lagBytesOrNull, boolean pendingRestart) {

        public Optional<Long> lagBytes() {
            return Optional.ofNullable(lagBytesOrNull);
        }
    }
}
