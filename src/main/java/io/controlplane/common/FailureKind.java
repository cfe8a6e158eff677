package io.controlplane.common;

/**
 * What a failed step needs, and so what the engine does with it. Every adapter maps the errors of
 * what it talks to (etcd, Docker, Patroni, Postgres) to one of these at its edge.
 */
public enum FailureKind {
    /** May clear by itself: the step is retried with a backoff, then raises an incident. */
    TRANSIENT,
    /** Needs a person to change something: an incident at once, retried from Cockpit once fixed. */
    PERMANENT,
    /** The operation cannot go on by design: the process takes its modelled failure path. */
    OPERATION_FAILED
}
