package io.controlplane.engine;

import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import io.controlplane.task.TaskStatus;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricIncident;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps a task's status in step with the incidents of its process: while an incident is open anywhere
 * in the operation (also in a process it called: the engine raises one on the call activity too) the
 * task reads {@code failed} with the incident's message, so a client stops waiting; once every
 * incident is resolved (Cockpit's Retry, or a retry over the API) it reads {@code running} again and
 * its log says who retried and when (from the engine's user operation log).
 *
 * <p>The step worker tells it at once about incidents it raised; a round every two seconds catches
 * the rest (a failed job, a Cockpit retry) and is the only path on hosts that did not raise it.
 */
@Component
public class IncidentTracker {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentTracker.class);

    private final TaskService tasks;
    private final RuntimeService runtime;
    private final HistoryService history;
    private final RepositoryService repository;
    private final TransactionTemplate transaction;

    public IncidentTracker(TaskService tasks, RuntimeService runtime, HistoryService history,
                           RepositoryService repository, PlatformTransactionManager transactionManager) {
        this.tasks = tasks;
        this.runtime = runtime;
        this.history = history;
        this.repository = repository;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /** An open incident of an operation, at the step where it happened (a called process's step included). */
    public record OpenIncident(String id, String type, String message, String activityId, String stepName,
                               String processInstanceId, String configuration, Date time) {

        /** What the task's error says: the step and the incident's message. */
        public String describe() {
            return stepName + " failed: " + message;
        }
    }

    @Scheduled(initialDelay = 2_000, fixedDelay = 2_000)
    public void reconcileAll() {
        for (Task task : tasks.unfinished()) {
            if (task.getProcessInstanceId() == null) {
                continue;
            }
            try {
                refresh(task.getTaskId());
            } catch (OptimisticLockingException | ObjectOptimisticLockingFailureException concurrent) {
                // another host or the API changed the task at the same moment: the next round looks again
            } catch (RuntimeException e) {
                LOG.warn("could not reconcile task {} with its incidents: {}", task.getTaskId(), e.toString());
            }
        }
    }

    /** Brings one task's status in line with its incidents now. */
    public void refresh(String taskId) {
        transaction.executeWithoutResult(s -> {
            Task task = tasks.find(taskId).orElse(null);
            if (task == null || task.getProcessInstanceId() == null) {
                return;
            }
            if (task.getStatus() == TaskStatus.PENDING || task.getStatus() == TaskStatus.RUNNING) {
                List<OpenIncident> open = openIncidents(task.getProcessInstanceId());
                if (!open.isEmpty()) {
                    OpenIncident first = open.get(0);
                    tasks.markIncident(taskId, first.describe(), incidentFields(first, open.size()));
                }
            } else if (task.getStatus() == TaskStatus.CANCELING) {
                // a cancel's cleanup step failed: the task stays canceling, its error says where and why
                List<OpenIncident> open = openIncidents(task.getProcessInstanceId());
                if (open.isEmpty()) {
                    tasks.markCleanupIncident(taskId, null, Map.of());
                } else {
                    Map<String, Object> fields = incidentFields(open.get(0), open.size());
                    fields.put("status", "canceling");
                    tasks.markCleanupIncident(taskId, open.get(0).describe(), fields);
                }
            } else if (task.getStatus() == TaskStatus.INCIDENT
                    && openIncidents(task.getProcessInstanceId()).isEmpty() && isRunning(task.getProcessInstanceId())) {
                resumed(task);
            }
        });
    }

    /**
     * The open incidents of an operation's process instance, each at its root cause (the step that
     * failed, possibly in a called process), oldest first.
     */
    public List<OpenIncident> openIncidents(String processInstanceId) {
        Map<String, OpenIncident> roots = new LinkedHashMap<>();
        List<Incident> incidents = runtime.createIncidentQuery().processInstanceId(processInstanceId)
                .orderByIncidentTimestamp().asc().list();
        for (Incident incident : incidents) {
            Incident root = rootCause(runtime, incident);
            roots.putIfAbsent(root.getId(), new OpenIncident(root.getId(), root.getIncidentType(),
                    root.getIncidentMessage() == null ? "no message" : root.getIncidentMessage(), root.getActivityId(),
                    stepName(root.getProcessDefinitionId(), root.getActivityId()), root.getProcessInstanceId(),
                    root.getConfiguration(), root.getIncidentTimestamp()));
        }
        return new ArrayList<>(roots.values());
    }

    /**
     * The incident where it started: a step of a called process raises an incident there and one at each
     * call activity above it; those point to the first as their root cause.
     */
    static Incident rootCause(RuntimeService runtime, Incident incident) {
        String rootId = incident.getRootCauseIncidentId();
        if (rootId == null || rootId.equals(incident.getId())) {
            return incident;
        }
        Incident found = runtime.createIncidentQuery().incidentId(rootId).singleResult();
        return found != null ? found : incident;
    }

    private boolean isRunning(String processInstanceId) {
        return runtime.createProcessInstanceQuery().processInstanceId(processInstanceId).count() > 0;
    }

    /** Every incident is gone while the process runs on: someone retried (Cockpit, engine REST). */
    private void resumed(Task task) {
        Date since = task.getCompletedAt() == null ? new Date(0) : Date.from(task.getCompletedAt());
        List<String> retries = new ArrayList<>();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("status", "running");
        for (HistoricIncident incident : history.createHistoricIncidentQuery()
                .processInstanceId(task.getProcessInstanceId()).resolved().list()) {
            HistoricIncident root = rootOf(incident);
            if (root.getEndTime() == null || root.getEndTime().before(since)) {
                continue;
            }
            String step = stepName(root.getProcessDefinitionId(), root.getActivityId());
            Optional<UserOperationLogEntry> who = retryEntry(root);
            String by = who.map(UserOperationLogEntry::getUserId).filter(u -> u != null && !u.isBlank())
                    .orElse(null);
            Date at = who.map(UserOperationLogEntry::getTimestamp).orElse(root.getEndTime());
            String line = step + " retried " + (by == null ? "(who retried is not recorded)" : "by " + by) + " at "
                    + DateTimeFormatter.ISO_INSTANT.format(at.toInstant());
            if (!retries.contains(line)) {
                retries.add(line);
            }
            fields.putIfAbsent("step", root.getActivityId());
            if (by != null) {
                fields.putIfAbsent("retried_by", by);
            }
            fields.putIfAbsent("retried_at", DateTimeFormatter.ISO_INSTANT.format(at.toInstant()));
        }
        String message = retries.isEmpty() ? "the incident was resolved: the task runs again"
                : String.join("; ", retries) + ": the task runs again";
        tasks.resume(task.getTaskId(), message, fields);
    }

    private HistoricIncident rootOf(HistoricIncident incident) {
        String rootId = incident.getRootCauseIncidentId();
        if (rootId == null || rootId.equals(incident.getId())) {
            return incident;
        }
        HistoricIncident root = history.createHistoricIncidentQuery().incidentId(rootId).singleResult();
        return root == null ? incident : root;
    }

    /** Who gave the failed step (an external task or a job) its retries back, and when. */
    private Optional<UserOperationLogEntry> retryEntry(HistoricIncident root) {
        if (root.getConfiguration() == null) {
            return Optional.empty();
        }
        var query = history.createUserOperationLogQuery().afterTimestamp(new Date(root.getCreateTime().getTime() - 1));
        query = Incident.EXTERNAL_TASK_HANDLER_TYPE.equals(root.getIncidentType())
                ? query.externalTaskId(root.getConfiguration()) : query.jobId(root.getConfiguration());
        return query.orderByTimestamp().desc().listPage(0, 1).stream().findFirst();
    }

    private Map<String, Object> incidentFields(OpenIncident incident, int open) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("status", "failed");
        fields.put("step", incident.activityId());
        fields.put("incident_id", incident.id());
        fields.put("incident_type", incident.type());
        fields.put("process_instance_id", incident.processInstanceId());
        fields.put("open_incidents", open);
        return fields;
    }

    String stepName(String processDefinitionId, String activityId) {
        if (processDefinitionId == null || activityId == null) {
            return String.valueOf(activityId);
        }
        try {
            ModelElementInstance element = repository.getBpmnModelInstance(processDefinitionId)
                    .getModelElementById(activityId);
            if (element instanceof FlowElement flow && flow.getName() != null && !flow.getName().isBlank()) {
                return flow.getName().replaceAll("\\s+", " ").trim();
            }
        } catch (RuntimeException e) {
            LOG.debug("no name for {} in {}: {}", activityId, processDefinitionId, e.getMessage());
        }
        return activityId;
    }
}
