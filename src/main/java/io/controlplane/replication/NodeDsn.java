package io.controlplane.replication;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How a subscriber reaches a node's current primary: every instance of the node as a libpq host list with
 * {@code target_session_attrs=read-write}, so a connection finds the new primary after a switchover or
 * failover without anyone changing the subscription. The password is never part of it: libpq takes it
 * from {@code passfile}, a file every instance has at the same path, so pglogical's catalogs and its log
 * lines (it logs the connection string when a connection fails) hold no secret.
 *
 * @param endpoints every instance of the node, the intended primary first
 */
public record NodeDsn(List<Endpoint> endpoints, String database, String user, String passfile) {

    /** libpq waits this long per host before it tries the next one. */
    static final int CONNECT_TIMEOUT_SECONDS = 5;

    public record Endpoint(String host, int port) {
        public Endpoint {
            Objects.requireNonNull(host, "host");
            if (port <= 0) {
                throw new IllegalArgumentException("endpoint " + host + " has no port");
            }
        }
    }

    public NodeDsn {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a node needs at least one instance to connect to");
        }
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passfile, "passfile");
    }

    /** The libpq connection string (keyword/value form), values quoted where libpq needs it. */
    public String conninfo() {
        String hosts = endpoints.stream().map(Endpoint::host).collect(Collectors.joining(","));
        String ports = endpoints.stream().map(e -> Integer.toString(e.port())).collect(Collectors.joining(","));
        return "host=" + value(hosts) + " port=" + value(ports) + " dbname=" + value(database) + " user=" + value(user)
                + " passfile=" + value(passfile) + " target_session_attrs=read-write connect_timeout="
                + CONNECT_TIMEOUT_SECONDS;
    }

    /** A libpq value: bare when it is safe, else single-quoted with {@code \} and {@code '} escaped. */
    static String value(String v) {
        if (!v.isEmpty() && v.chars().allMatch(c -> Character.isLetterOrDigit(c) || "._-,/:".indexOf(c) >= 0)) {
            return v;
        }
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public String toString() {
        return conninfo();
    }
}
