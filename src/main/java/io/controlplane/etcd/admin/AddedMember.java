package io.controlplane.etcd.admin;

import java.util.List;

/**
 * Result of adding a member: what the new host needs to start etcd in join mode.
 *
 * @param initialCluster {@code name=peerUrl,...} of all members, for {@code EtcdMember.join}
 */
public record AddedMember(MemberId id, String initialCluster, List<MemberInfo> members) {

    public AddedMember {
        members = List.copyOf(members);
    }
}
