/**
 * Supervises the etcd server process of this host (Debian's {@code etcd-server}, 3.4): start as
 * a new single-member cluster, join an existing one, restart on an existing data dir, restart
 * after a crash, and stop without leaving the process behind.
 */
package io.controlplane.etcd.server;
