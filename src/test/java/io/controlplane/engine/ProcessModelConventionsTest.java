package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaExecutionListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped process follows the conventions the runner relies on (docs/bpmn-guide.md). */
class ProcessModelConventionsTest {

    static List<Path> processes() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("processes"))) {
            return s.filter(p -> p.toString().endsWith(".bpmn")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("processes")
    void everyServiceTaskIsAnExternalTaskOfAKnownHandler(Path file) {
        BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
        StepWorker worker = TestServer.get().bean(StepWorker.class);
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            assertThat(task.getCamundaType()).as(task.getId()).isEqualTo("external");
            String topic = task.getCamundaTopic();
            assertThat(topic).as(task.getId()).contains("@");
            String handler = Topics.handlerOf(topic);
            // the same step can appear twice in a process (e.g. for primaries and replicas): id <handler>_<where>
            assertThat(task.getId()).as("id of a step of handler " + handler)
                    .matches(java.util.regex.Pattern.quote(handler) + "(_[A-Za-z0-9]+)?");
            assertThat(worker.handles(handler)).as("a step handler named " + handler + " exists").isTrue();
            assertThat(task.getName()).as(task.getId()).isNotBlank();
        }
    }

    @ParameterizedTest
    @MethodSource("processes")
    void everyProcessEndsItsTaskAndKeepsHistoryForAWhile(Path file) {
        BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
        for (Process process : model.getModelElementsByType(Process.class)) {
            assertThat(process.getCamundaHistoryTimeToLiveString()).as(process.getId()).isNotBlank();
            List<CamundaExecutionListener> listeners = process.getExtensionElements()
                    .getElementsQuery().filterByType(CamundaExecutionListener.class).list();
            assertThat(listeners).as(process.getId())
                    .anyMatch(l -> "end".equals(l.getCamundaEvent())
                            && "${operationListener}".equals(l.getCamundaDelegateExpression()));
        }
    }

    @Test
    void everyStepHandlerOfTheProductHasAModelerTemplateAndEveryTemplateAHandler() throws IOException {
        JsonNode templates = new ObjectMapper().readTree(
                Path.of("processes/element-templates/control-plane-steps.json").toFile());
        Set<String> templated = new TreeSet<>();
        templates.forEach(t -> templated.add(t.path("id").asText().replace("io.controlplane.", "")));
        Set<String> handlers = new TreeSet<>();
        TestServer.get().beansOf(StepHandler.class).stream()
                .filter(h -> h.getClass().getPackageName().equals("io.controlplane.delegates"))
                .forEach(h -> handlers.add(h.name()));
        assertThat(handlers).isNotEmpty();
        assertThat(templated).isEqualTo(handlers);
    }
}
