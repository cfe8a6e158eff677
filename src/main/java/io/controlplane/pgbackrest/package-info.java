/**
 * pgBackRest: the configuration file generated for each instance (reference §6.4, stanza {@code db}),
 * the commands the control plane runs inside an instance's container, and what {@code pgbackrest info}
 * answers. Pure: nothing here touches files, etcd or Docker.
 */
package io.controlplane.pgbackrest;
