package io.controlplane.patroni;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pg_hba lines of an instance (reference §6.3, with password instead of certificate auth for the
 * system users): socket trust, system users only from the database's hosts, user lines, catch-all.
 */
final class PgHbaRules {

    /** Loopback is always a system address: with host networking, co-located members and the control
     * plane itself connect from it. It still needs the password. */
    static final List<String> LOOPBACK = List.of("127.0.0.1", "::1");

    private static final String SYSTEM_USERS =
            PatroniInstanceConfig.SUPERUSER + "," + PatroniInstanceConfig.REPLICATION_USER;

    private PgHbaRules() {
    }

    static List<String> lines(PatroniInstanceConfig cfg) {
        List<String> lines = new ArrayList<>();
        lines.add("local all all trust");
        lines.add("local replication all trust");
        for (String address : systemAddresses(cfg)) {
            String cidr = cidr(address);
            lines.add("host replication " + PatroniInstanceConfig.REPLICATION_USER + " " + cidr + " scram-sha-256");
            lines.add("host all " + SYSTEM_USERS + " " + cidr + " scram-sha-256");
        }
        lines.add("host all " + SYSTEM_USERS + " 0.0.0.0/0 reject");
        lines.add("host all " + SYSTEM_USERS + " ::/0 reject");
        lines.addAll(cfg.hbaEntries());
        lines.add("host all all 0.0.0.0/0 scram-sha-256");
        lines.add("host all all ::/0 scram-sha-256");
        return lines;
    }

    /** The database's host addresses, then loopback, without duplicates. */
    static Set<String> systemAddresses(PatroniInstanceConfig cfg) {
        Set<String> addresses = new LinkedHashSet<>(cfg.systemAddresses());
        addresses.addAll(LOOPBACK);
        return addresses;
    }

    static String cidr(String address) {
        if (address.contains("/")) {
            return address;
        }
        return address + (isIpv6(address) ? "/128" : "/32");
    }

    static boolean isIpv6(String address) {
        return address.contains(":");
    }
}
