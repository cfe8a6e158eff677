/**
 * The cluster store: an embedded etcd member per host ({@code server}), the cluster's certificate
 * authority ({@code pki}), etcd users and membership ({@code admin}) and the key-value layer the
 * rest of the control plane uses ({@code store}). Plain Java, no Spring: the server wires it up.
 *
 * <p>The classes here are shared by the sub-packages: how to reach etcd ({@link
 * io.controlplane.etcd.EtcdClientConfig}) and the exceptions callers can tell apart.
 */
package io.controlplane.etcd;
