/**
 * What the steps of the processes do, against etcd, Swarm and Postgres: plan a database operation,
 * allocate an instance's ports on its host ({@link io.controlplane.database.operation.PortAllocator}),
 * bring one instance up or down, set up a node's roles and database, prepare and check the database
 * updates of a host removal, and end the operation. Each method checks the real state first, so a
 * step can run again after a crash or a Cockpit retry.
 */
package io.controlplane.database.operation;
