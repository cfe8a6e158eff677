/**
 * Multi-active replication between the nodes of a database: the {@link io.controlplane.replication.ReplicationProvider}
 * port (pglogical 2 today, Spock later), the mesh's names and connection strings, copying a new node's roles, and
 * the supervisor that restarts subscriptions a leader change left down.
 */
package io.controlplane.replication;
