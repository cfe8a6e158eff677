package io.controlplane.processes;

import static io.controlplane.processes.ProcessDriver.DONE;
import static io.controlplane.processes.ProcessDriver.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessKeys;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.processes.ProcessDriver.Step;
import io.controlplane.task.Task;
import io.controlplane.task.TaskStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An ops engineer adds a step to "create an instance" in one place, create-instance, and deploys it:
 * both a database create and an update that adds a node run the new step, without touching
 * create-database or update-database. The edited version is deployed only for this test and removed
 * after it.
 */
class InstanceProcessEditReachesEveryCallerTest {

    private static final String HEALTH_CHECK = "runHealthCheck";

    private final ProcessDriver driver = new ProcessDriver(HEALTH_CHECK);
    private final RepositoryService repository = driver.server.bean(RepositoryService.class);
    private Deployment edited;

    @AfterEach
    void removeTheEditedVersion() {
        if (edited != null) {
            repository.deleteDeployment(edited.getId(), true);
        }
    }

    @Test
    void aStepAddedToCreateInstanceRunsInADatabaseCreateAndInAnUpdateThatAddsANode() {
        edited = repository.createDeployment().name("test: create-instance with a health check")
                .addModelInstance(ProcessKeys.CREATE_INSTANCE + ".bpmn", withStepBeforeTheEnd(
                        Path.of("processes", ProcessKeys.CREATE_INSTANCE + ".bpmn"), HEALTH_CHECK, "Run health check"))
                .deploy();

        Task create = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE,
                driver.newDatabaseId());
        List<Step> created = driver.drive(create.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.CREATE_PRIMARIES, "db-n1-a", ProcessVariables.NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA)) : DONE);

        Task update = driver.startDatabaseOperation(ProcessKeys.UPDATE_DATABASE, ProcessVariables.UPDATE,
                driver.newDatabaseId());
        List<Step> updated = driver.drive(update.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.UPDATE_INSTANCES, "db-n1-a",
                ProcessVariables.CREATE_PRIMARIES, "db-n2-b",
                ProcessVariables.NODES, "n1,n2",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n2-b=" + driver.hostB,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA + ",n2=" + driver.hostB)) : DONE);

        assertThat(handlersOf(created, "db-n1-a")).containsExactly(HandlerNames.ALLOCATE_PORTS,
                HandlerNames.CREATE_ETCD_CREDENTIALS, HandlerNames.WRITE_PATRONI_CONFIG,
                HandlerNames.WRITE_PGBACKREST_CONFIG, HandlerNames.CREATE_SWARM_SERVICE, HandlerNames.WAIT_FOR_INSTANCE, HEALTH_CHECK);
        assertThat(created).filteredOn(s -> s.handler().equals(HEALTH_CHECK)).singleElement()
                .satisfies(s -> assertThat(s.host()).isEqualTo(driver.hostA));
        // the new node's instance is created by the same process; the updated instance is not
        assertThat(handlersOf(updated, "db-n2-b")).endsWith(HandlerNames.WAIT_FOR_INSTANCE, HEALTH_CHECK);
        assertThat(handlersOf(updated, "db-n1-a")).doesNotContain(HEALTH_CHECK);
        assertThat(driver.ended(create).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(driver.ended(update).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void withoutTheEditNoCallerRunsTheStep() {
        Task create = driver.startDatabaseOperation(ProcessKeys.CREATE_DATABASE, ProcessVariables.CREATE,
                driver.newDatabaseId());
        List<Step> created = driver.drive(create.getProcessInstanceId(), step -> isPlan(step) ? plan(Map.of(
                ProcessVariables.CREATE_PRIMARIES, "db-n1-a", ProcessVariables.NODES, "n1",
                ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA,
                ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA)) : DONE);

        assertThat(created).extracting(Step::handler).doesNotContain(HEALTH_CHECK)
                .contains(HandlerNames.WAIT_FOR_INSTANCE);
    }

    /** The shipped model with one more external task between its last step and its end event. */
    static BpmnModelInstance withStepBeforeTheEnd(Path file, String handler, String name) {
        BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
        Process process = model.getModelElementsByType(Process.class).iterator().next();
        EndEvent end = model.getModelElementsByType(EndEvent.class).iterator().next();
        SequenceFlow toEnd = end.getIncoming().iterator().next();
        FlowNode last = toEnd.getSource();

        ServiceTask step = model.newInstance(ServiceTask.class);
        step.setId(handler);
        step.setName(name);
        step.setCamundaType("external");
        step.setCamundaTopic(handler + "@${" + ProcessVariables.INSTANCE_HOST + "}");
        process.addChildElement(step);
        SequenceFlow toStep = model.newInstance(SequenceFlow.class);
        toStep.setId("toHealthCheck");
        process.addChildElement(toStep);
        toStep.setSource(last);
        toStep.setTarget(step);
        last.getOutgoing().remove(toEnd);
        last.getOutgoing().add(toStep);
        step.getIncoming().add(toStep);
        toEnd.setSource(step);
        step.getOutgoing().add(toEnd);
        Bpmn.validateModel(model);
        return model;
    }

    private static boolean isPlan(Step step) {
        return step.handler().equals(HandlerNames.PLAN_DATABASE);
    }

    private static List<String> handlersOf(List<Step> steps, String instanceId) {
        return steps.stream().filter(s -> instanceId.equals(s.target())).map(Step::handler).toList();
    }
}
