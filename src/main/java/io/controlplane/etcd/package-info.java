/**
 * The cluster store: an embedded etcd member per host ({@code server}), the cluster's certificate
 * authority ({@code pki}), etcd users and membership ({@code admin}) and the key-value layer the
 * rest of the control plane uses ({@code store}). Plain Java, no Spring: the server wires it up.
 *
 * <p>The classes here are shared by the sub-packages: how to reach etcd ({@link
 * io.controlplane.etcd.EtcdClientConfig}) and the exceptions callers can tell apart. {@code
 * EtcdClients} and {@code EtcdCalls} are plumbing for the sub-packages.
 *
 * <p>Init on the first host:
 * <ol>
 *   <li>{@code ca = ClusterCa.create("cp-ca")}; {@code EtcdMember.installCertificates(certDir,
 *       ca.certificatePem(), ca.issueServer(...), ca.issueClient("host-" + hostId))}</li>
 *   <li>{@code member = new EtcdMember(EtcdMemberConfig.of(...)); member.bootstrap()}</li>
 *   <li>{@code root = EtcdAdmin.bootstrapAuth(EtcdClientConfig.withoutAuth(...))}, then with root:
 *       {@code hostCreds = admin.addHostUser(hostId)}; keep both (generated config)</li>
 *   <li>{@code store = new EtcdStore(EtcdClientConfig.of(..., hostCreds), etcdKeyRoot)}; store
 *       {@code ca.toBundle()} and {@code ca.newJoinToken()} under {@code /root_ca}</li>
 * </ol>
 * Join: the existing host verifies the token ({@code JoinToken.matches}), issues certificates and
 * a host user, calls {@code admin.addMember(name, peerUrl)} and hands back {@code
 * initialCluster}; the new host installs the certificates and calls {@code member.join(...)}.
 * Later starts: {@code member.start()} when {@code member.hasData()}.
 */
package io.controlplane.etcd;
