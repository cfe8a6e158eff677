package io.controlplane.engine;

import io.controlplane.engine.ProcessProgress.ActivityProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.springframework.stereotype.Service;

/**
 * Reads an operation's progress from the engine's history (what ran and ended), its runtime (open
 * incidents) and its deployed model (what was never reached), so the web UI can draw it without the
 * engine REST API's credentials.
 */
@Service
public class ProcessProgressReader {

    /** The suffix of the activity id Camunda gives the body of a multi-instance activity. */
    private static final String MULTI_INSTANCE_BODY = "#multiInstanceBody";

    private final HistoryService history;
    private final RuntimeService runtime;
    private final RepositoryService repository;

    public ProcessProgressReader(HistoryService history, RuntimeService runtime, RepositoryService repository) {
        this.history = history;
        this.runtime = runtime;
        this.repository = repository;
    }

    /** The progress of a process instance; empty when the engine does not know it (history cleaned up). */
    public Optional<ProcessProgress> read(String processInstanceId) {
        HistoricProcessInstance instance = history.createHistoricProcessInstanceQuery()
                .processInstanceId(processInstanceId).singleResult();
        if (instance == null) {
            return Optional.empty();
        }
        ProcessDefinition definition = repository.getProcessDefinition(instance.getProcessDefinitionId());
        boolean ended = instance.getEndTime() != null;
        Map<String, String> stateOf = activityStates(processInstanceId);
        Map<String, String> incidentOf = incidentMessages(processInstanceId);

        List<ActivityProgress> activities = new ArrayList<>();
        BpmnModelInstance model = repository.getBpmnModelInstance(definition.getId());
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            String id = node.getId();
            String state;
            if (incidentOf.containsKey(id)) {
                state = "failed";
            } else if (stateOf.containsKey(id)) {
                state = stateOf.get(id);
            } else {
                state = ended ? "skipped" : "not_reached";
            }
            activities.add(new ActivityProgress(id, node.getName(), state, Optional.ofNullable(incidentOf.get(id))));
        }
        return Optional.of(new ProcessProgress(processInstanceId, definition.getId(), definition.getKey(),
                processState(instance), bpmnXml(definition), activities));
    }

    private static String processState(HistoricProcessInstance instance) {
        if (instance.getEndTime() == null) {
            return "running";
        }
        return HistoricProcessInstance.STATE_COMPLETED.equals(instance.getState()) ? "completed" : "ended";
    }

    /** Per activity: running while any of its instances runs, else canceled if the last one was, else completed. */
    private Map<String, String> activityStates(String processInstanceId) {
        Map<String, String> states = new HashMap<>();
        List<HistoricActivityInstance> ran = history.createHistoricActivityInstanceQuery()
                .processInstanceId(processInstanceId).orderPartiallyByOccurrence().asc().list();
        for (HistoricActivityInstance a : ran) {
            String id = a.getActivityId().endsWith(MULTI_INSTANCE_BODY)
                    ? a.getActivityId().substring(0, a.getActivityId().length() - MULTI_INSTANCE_BODY.length())
                    : a.getActivityId();
            String state = a.getEndTime() == null ? "running" : a.isCanceled() ? "canceled" : "completed";
            if (!"running".equals(states.get(id))) {
                states.put(id, state);
            }
        }
        return states;
    }

    /**
     * Per activity with an open incident, the message of its root cause: a step of a called process
     * raises an incident there and one at the call activity that called it.
     */
    private Map<String, String> incidentMessages(String processInstanceId) {
        Map<String, String> messages = new LinkedHashMap<>();
        for (Incident incident : runtime.createIncidentQuery().processInstanceId(processInstanceId).list()) {
            Incident root = IncidentTracker.rootCause(runtime, incident);
            String activityId = incident.getActivityId().endsWith(MULTI_INSTANCE_BODY)
                    ? incident.getActivityId().replace(MULTI_INSTANCE_BODY, "") : incident.getActivityId();
            messages.putIfAbsent(activityId, root.getIncidentMessage() == null ? "no message"
                    : root.getIncidentMessage());
        }
        return messages;
    }

    private String bpmnXml(ProcessDefinition definition) {
        try (InputStream in = repository.getProcessModel(definition.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
