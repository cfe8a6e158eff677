package io.controlplane.cluster;

import java.util.List;

/**
 * What an existing member hands a joining host: its etcd credentials and certificates and where the
 * etcd members are. Internal to init/join; it carries secrets and is never logged.
 */
public record JoinOptions(String clusterId, String username, String password, String caCert, String clientCert,
                          String clientKey, String serverCert, String serverKey, List<String> etcdEndpoints) {

    @Override
    public String toString() {
        return "JoinOptions[clusterId=" + clusterId + ", username=" + username + ", etcdEndpoints=" + etcdEndpoints + "]";
    }
}
