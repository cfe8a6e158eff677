/**
 * What the steps of the database processes do: plan an operation, bring one instance up or down, set
 * up a node's roles and database, and end the operation. Each method checks the real state first, so a
 * step can run again after a crash or a Cockpit retry.
 */
package io.controlplane.database.operation;
