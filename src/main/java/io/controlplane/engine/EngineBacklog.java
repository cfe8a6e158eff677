package io.controlplane.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.stereotype.Component;

/**
 * What waits in the engine, for the metrics: open incidents by process and incident type, jobs that are
 * due, and step runs (external tasks) waiting for a worker or locked by one. The engine database is
 * shared by every host, so every host reads the same numbers.
 */
@Component
public class EngineBacklog {

    private final RuntimeService runtime;
    private final ManagementService management;
    private final ExternalTaskService externalTasks;
    private final RepositoryService repository;
    /** Process definition id → key; definitions never change once deployed. */
    private final Map<String, String> processKeys = new ConcurrentHashMap<>();

    public EngineBacklog(RuntimeService runtime, ManagementService management, ExternalTaskService externalTasks,
                         RepositoryService repository) {
        this.runtime = runtime;
        this.management = management;
        this.externalTasks = externalTasks;
        this.repository = repository;
    }

    /**
     * @param openIncidents       per incident: its process (definition key) and type ({@code failedExternalTask},
     *                            {@code failedJob}); only these pairs appear
     * @param jobsDue             async continuations and timers whose time has come, with retries left
     * @param stepsWaiting        external tasks with retries left that no worker has locked
     * @param stepsLocked         external tasks a worker holds right now
     */
    public record Counts(Map<IncidentKind, Long> openIncidents, long jobsDue, long stepsWaiting, long stepsLocked) {

        public Counts {
            openIncidents = Map.copyOf(openIncidents);
        }
    }

    /** The process definition key and the engine's incident type. */
    public record IncidentKind(String process, String type) {
    }

    public Counts counts() {
        Map<IncidentKind, Long> incidents = new TreeMap<>(
                (a, b) -> (a.process() + "\u0000" + a.type()).compareTo(b.process() + "\u0000" + b.type()));
        for (Incident incident : runtime.createIncidentQuery().list()) {
            incidents.merge(new IncidentKind(processKey(incident.getProcessDefinitionId()), incident.getIncidentType()),
                    1L, Long::sum);
        }
        long jobsDue = management.createJobQuery().executable().count();
        long waiting = externalTasks.createExternalTaskQuery().notLocked().withRetriesLeft().count();
        long locked = externalTasks.createExternalTaskQuery().locked().count();
        return new Counts(incidents, jobsDue, waiting, locked);
    }

    private String processKey(String processDefinitionId) {
        if (processDefinitionId == null) {
            return "unknown";
        }
        return processKeys.computeIfAbsent(processDefinitionId,
                id -> repository.createProcessDefinitionQuery().processDefinitionId(id).list().stream()
                        .findFirst().map(d -> d.getKey()).orElse("unknown"));
    }
}
