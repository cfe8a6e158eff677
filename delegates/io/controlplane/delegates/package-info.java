/**
 * One class per BPMN service-task type: thin step handlers that read process variables, call a core
 * service and return variables. Logging, retries and incidents are the step worker's job, not theirs.
 */
package io.controlplane.delegates;
