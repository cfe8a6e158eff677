/**
 * The Docker Swarm adapter of the orchestrator port: runs each instance as a one-replica Swarm service
 * pinned to the local node, over the Docker Engine API (docker-java). The only package that may use
 * docker-java.
 */
package io.controlplane.swarm;
