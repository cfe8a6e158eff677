package io.controlplane.patroni;

import java.util.Locale;

/** A member's role, whatever name the Patroni version uses for it. */
public enum MemberRole {
    PRIMARY, REPLICA, UNKNOWN;

    /** Patroni 3.0.x says "master" (in /patroni) or "leader" (in /cluster); later versions "primary". */
    public static MemberRole fromPatroni(String role) {
        if (role == null) {
            return UNKNOWN;
        }
        return switch (role.toLowerCase(Locale.ROOT)) {
            case "master", "primary", "leader" -> PRIMARY;
            case "replica", "sync_standby", "quorum_standby", "standby_leader" -> REPLICA;
            default -> UNKNOWN;
        };
    }
}
