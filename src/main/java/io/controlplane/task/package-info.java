/**
 * Tasks and task logs: the pgEdge-compatible record of every operation. A task is a process instance
 * (business key = task id); rows live in the engine's database and change in the engine's transactions.
 */
package io.controlplane.task;
