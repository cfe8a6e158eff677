package io.controlplane.engine;

import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.springframework.stereotype.Component;

/**
 * The task a process instance works for, as Cockpit shows the instance: the business key of its root
 * process instance (a called process, e.g. create-instance, has the operation's process as root).
 */
@Component
public class ProcessInstanceTasks {

    private final HistoryService history;

    public ProcessInstanceTasks(HistoryService history) {
        this.history = history;
    }

    public Optional<String> taskIdOf(String processInstanceId) {
        return find(processInstanceId)
                .flatMap(p -> p.getRootProcessInstanceId() == null || p.getRootProcessInstanceId().equals(p.getId())
                        ? Optional.of(p) : find(p.getRootProcessInstanceId()))
                .map(HistoricProcessInstance::getBusinessKey);
    }

    private Optional<HistoricProcessInstance> find(String id) {
        return Optional.ofNullable(history.createHistoricProcessInstanceQuery().processInstanceId(id).singleResult());
    }
}
