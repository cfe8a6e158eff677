/**
 * The orchestrator port: what the core needs from Docker Swarm (or, later, systemd) to run one
 * Patroni/Postgres instance as a service. The Swarm adapter lives in {@code swarm/}; the core never
 * imports docker-java.
 */
package io.controlplane.orchestrator;
