/**
 * The Prometheus series of the cluster (databases, instances, replication, tasks, incidents, the engine's
 * backlog, host health) at {@code /actuator/prometheus}, from a snapshot refreshed on a schedule.
 */
package io.controlplane.metrics;
