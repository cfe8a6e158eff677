/**
 * The Camunda engine as this server uses it: starting an operation's process for a task, the step
 * worker that runs every service task (external tasks on per-host topics) with logging, retries and
 * incidents in one place, and the listener that ends the task when its process ends.
 */
package io.controlplane.engine;
