/**
 * Small value rules shared by every domain package (identifiers and the like) and the failure types
 * every adapter maps its errors to ({@link io.controlplane.common.FailureKind}). Nothing here knows
 * about Spring, Camunda, etcd or Docker.
 */
package io.controlplane.common;
