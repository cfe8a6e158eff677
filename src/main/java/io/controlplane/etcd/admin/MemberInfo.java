package io.controlplane.etcd.admin;

import java.net.URI;
import java.util.List;

/**
 * One etcd member. A member that was added but never started has an empty name and no client
 * URLs; it still counts toward quorum.
 */
public record MemberInfo(MemberId id, String name, List<URI> peerUrls, List<URI> clientUrls, boolean learner) {

    public MemberInfo {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }

    public boolean started() {
        return !name.isEmpty();
    }
}
