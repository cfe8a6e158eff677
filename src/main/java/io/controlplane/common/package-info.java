/**
 * Small value rules shared by every domain package (identifiers and the like). Nothing here knows
 * about Spring, Camunda, etcd or Docker.
 */
package io.controlplane.common;
