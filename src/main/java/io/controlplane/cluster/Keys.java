package io.controlplane.cluster;

/** The cluster's key layout in etcd (reference §7.2); the store adds {@code etcd_key_root}. */
public final class Keys {

    public static final String CLUSTER = "/cluster";
    public static final String ROOT_CA = "/root_ca";
    public static final String HOSTS = "/hosts/";
    public static final String HOST_STATUSES = "/host_statuses/";
    /** The time of each host's last status, without a lease: it outlives the status of a lost host. */
    public static final String HOST_STATUS_TIMES = "/host_status_times/";
    public static final String INSTANCES = "/instances/";

    private Keys() {
    }

    public static String host(String hostId) {
        return HOSTS + hostId;
    }

    public static String hostStatus(String hostId) {
        return HOST_STATUSES + hostId;
    }

    public static String hostStatusTime(String hostId) {
        return HOST_STATUS_TIMES + hostId;
    }
}
