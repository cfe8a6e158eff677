/**
 * The key-value layer the control plane stores its state in: UTF-8 (JSON) values under an
 * optional key root, optimistic concurrency on mod revisions, watches, leases and elections.
 * Every failure is one of the unchecked {@link io.controlplane.etcd.EtcdException} types.
 */
package io.controlplane.etcd.store;
