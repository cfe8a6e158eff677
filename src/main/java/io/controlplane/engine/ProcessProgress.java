package io.controlplane.engine;

import java.util.List;
import java.util.Optional;

/**
 * How far an operation's process instance has come, for drawing it: its model and, per flow node, what
 * happened there. A call activity stands for the processes it called: failed while one of them waits on an
 * incident, running while one runs.
 *
 * @param processInstanceId the instance (its business key is the task id)
 * @param processDefinitionId the deployed version the instance runs
 * @param processDefinitionKey the process key ({@code create-database}, ...)
 * @param state {@code running}, {@code completed} or {@code ended} (deleted, e.g. canceled)
 * @param bpmnXml the deployed model
 * @param activities one entry per flow node of the model (events, tasks, gateways, call activities)
 */
public record ProcessProgress(String processInstanceId, String processDefinitionId, String processDefinitionKey,
                              String state, String bpmnXml, List<ActivityProgress> activities) {

    /** What happened at one flow node: {@code completed}, {@code running}, {@code failed}, {@code canceled},
     * {@code skipped} (never reached by an instance that has ended) or {@code not_reached} (not yet reached). */
    public record ActivityProgress(String activityId, String name, String state, Optional<String> incidentMessage) {
    }
}
