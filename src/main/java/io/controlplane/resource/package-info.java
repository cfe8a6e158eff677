/**
 * Desired state of a database computed from its spec by pure functions ({@link DesiredState}), and
 * the plan that takes the stored state to it ({@link DatabasePlan}). Nothing here reads or writes
 * etcd, Docker or files; applying a plan is the processes' job (package {@code database.operation}).
 */
package io.controlplane.resource;
