package io.controlplane.cluster;

/** The cluster's key layout in etcd (reference §7.2); the store adds {@code etcd_key_root}. */
public final class Keys {

    public static final String CLUSTER = "/cluster";
    public static final String ROOT_CA = "/root_ca";
    public static final String HOSTS = "/hosts/";
    public static final String HOST_STATUSES = "/host_statuses/";
    public static final String INSTANCES = "/instances/";

    private Keys() {
    }

    public static String host(String hostId) {
        return HOSTS + hostId;
    }

    public static String hostStatus(String hostId) {
        return HOST_STATUSES + hostId;
    }
}
