/**
 * Desired state of a database computed from its spec by pure functions ({@link DesiredState}), and
 * the plan that takes the stored state to it ({@link DatabasePlan}). Applying a plan is the BPMN
 * processes' job.
 */
package io.controlplane.resource;
