/**
 * The {@code /v1} REST API, wire-compatible with pgEdge Control Plane: controllers, the error body
 * {@code {"name","message"}} with pgEdge's name → status table, and the pre-init gate.
 */
package io.controlplane.api;
