package io.controlplane.etcd.admin;

import java.util.List;
import java.util.Optional;

/** Membership and leadership as seen from one endpoint. */
public record ClusterStatus(List<MemberInfo> members, Optional<MemberId> leader, String serverVersion) {

    public ClusterStatus {
        members = List.copyOf(members);
    }

    public int votingMembers() {
        return (int) members.stream().filter(m -> !m.learner()).count();
    }
}
