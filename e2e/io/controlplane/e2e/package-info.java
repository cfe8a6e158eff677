/**
 * End-to-end tests: the packaged jar started as real server processes, against real etcd, Docker
 * Swarm and Postgres, talking only to 127.0.0.1.
 */
package io.controlplane.e2e;
