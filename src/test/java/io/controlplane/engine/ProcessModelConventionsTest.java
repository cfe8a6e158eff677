package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.impl.juel.ExpressionFactoryImpl;
import org.camunda.bpm.impl.juel.SimpleContext;
import org.camunda.bpm.impl.juel.jakarta.el.BeanELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.CompositeELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ELContext;
import org.camunda.bpm.impl.juel.jakarta.el.ELException;
import org.camunda.bpm.impl.juel.jakarta.el.ELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.MethodNotFoundException;
import org.camunda.bpm.impl.juel.jakarta.el.PropertyNotFoundException;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.CallActivity;
import org.camunda.bpm.model.bpmn.instance.Documentation;
import org.camunda.bpm.model.bpmn.instance.ErrorEventDefinition;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.MultiInstanceLoopCharacteristics;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaExecutionListener;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaIn;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The BPMN ↔ Java contract and the conventions of docs/bpmn-guide.md, checked on every file in
 * {@code processes/}: each topic names a registered handler and a host expression that resolves,
 * every {@code ${...}} expression resolves against the expression beans and the variables the
 * process has at that point (start variables, the plan, multi-instance element variables, and for a
 * called process what every caller maps in), every called element is a shipped and deployed process.
 */
class ProcessModelConventionsTest {

    private static final Pattern EXPRESSION = Pattern.compile("[$#]\\{[^}]*}");
    private static final Pattern STEP_ID = Pattern.compile("[a-z][A-Za-z0-9]*(_[A-Za-z0-9]+)?");

    static List<Path> processes() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("processes"))) {
            return s.filter(p -> p.toString().endsWith(".bpmn")).sorted().toList();
        }
    }

    private static Process process(Path file) {
        return Bpmn.readModelFromFile(file.toFile()).getModelElementsByType(Process.class).iterator().next();
    }

    private static BpmnModelInstance model(Path file) {
        return Bpmn.readModelFromFile(file.toFile());
    }

    @Test
    void everyShippedProcessIsAnOperationOrACalledProcessAndEveryKnownOneIsShipped() throws IOException {
        Set<String> shipped = new TreeSet<>();
        for (Path file : processes()) {
            shipped.add(process(file).getId());
            assertThat(file.getFileName().toString()).isEqualTo(process(file).getId() + ".bpmn");
        }
        Set<String> known = new TreeSet<>(ProcessKeys.OPERATIONS);
        known.addAll(ProcessKeys.CALLED);
        assertThat(shipped).isEqualTo(known);
    }

    @ParameterizedTest
    @MethodSource("processes")
    void everyServiceTaskIsAnExternalTaskOfARegisteredHandlerOnAHost(Path file) {
        StepWorker worker = TestServer.get().bean(StepWorker.class);
        for (ServiceTask task : model(file).getModelElementsByType(ServiceTask.class)) {
            assertThat(task.getCamundaType()).as(task.getId()).isEqualTo("external");
            String topic = task.getCamundaTopic();
            assertThat(topic).as(task.getId()).contains("@");
            String handler = Topics.handlerOf(topic);
            assertThat(HandlerNames.ALL).as("handler of " + task.getId()).contains(handler);
            assertThat(worker.handles(handler)).as("a step handler named " + handler + " is registered").isTrue();
            // the element id is the handler's name (a suffix tells two uses in one process apart)
            assertThat(task.getId()).as("id of a step of handler " + handler)
                    .matches(Pattern.quote(handler) + "(_[A-Za-z0-9]+)?");
            String host = topic.substring(topic.lastIndexOf('@') + 1);
            assertThat(host.equals(Topics.ANY_HOST) || (host.startsWith("${") && host.endsWith("}")
                    && EXPRESSION.matcher(host).results().count() == 1))
                    .as("the host part of " + topic + " is 'any' or one expression").isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("processes")
    void everyElementIsNamedAndEverySubProcessAndCallActivityIsDocumented(Path file) {
        BpmnModelInstance model = model(file);
        assertThat(process(file).getName()).as(file.toString()).isNotBlank();
        assertThat(documentation(process(file))).as(process(file).getId()).isNotBlank();
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            assertThat(node.getName()).as("name of " + node.getId() + " in " + file).isNotBlank();
            assertThat(node.getId()).as("id of " + node.getName()).matches(STEP_ID);
        }
        for (SubProcess sub : model.getModelElementsByType(SubProcess.class)) {
            assertThat(documentation(sub)).as("documentation of " + sub.getId()).isNotBlank();
        }
        for (CallActivity call : model.getModelElementsByType(CallActivity.class)) {
            assertThat(documentation(call)).as("documentation of " + call.getId()).isNotBlank();
        }
    }

    @ParameterizedTest
    @MethodSource("processes")
    void everyFlowIsListedAsOutgoingOfItsSourceAndIncomingOfItsTarget(Path file) {
        for (SequenceFlow flow : model(file).getModelElementsByType(SequenceFlow.class)) {
            assertThat(flow.getSource().getOutgoing()).as("outgoing of " + flow.getSource().getId()).contains(flow);
            assertThat(flow.getTarget().getIncoming()).as("incoming of " + flow.getTarget().getId()).contains(flow);
        }
        for (FlowNode node : model(file).getModelElementsByType(FlowNode.class)) {
            if (!(node instanceof SubProcess)) {
                assertThat(node.getIncoming().size() + node.getOutgoing().size()).as(node.getId()).isPositive();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("processes")
    void everyElementHasADiagramShapeOrEdgeAndNoTwoShapesOverlap(Path file) {
        BpmnModelInstance model = model(file);
        Map<String, Bounds> shapes = new LinkedHashMap<>();
        for (BpmnShape shape : model.getModelElementsByType(BpmnShape.class)) {
            shapes.put(shape.getBpmnElement().getId(), shape.getBounds());
        }
        Set<String> edges = new HashSet<>();
        model.getModelElementsByType(BpmnEdge.class).forEach(e -> {
            edges.add(e.getBpmnElement().getId());
            assertThat(e.getWaypoints()).as("waypoints of " + e.getId()).hasSizeGreaterThanOrEqualTo(2);
        });
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            assertThat(shapes).as("shape of " + node.getId()).containsKey(node.getId());
        }
        for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
            assertThat(edges).as("edge of " + flow.getId()).contains(flow.getId());
        }
        List<FlowNode> nodes = new ArrayList<>(model.getModelElementsByType(FlowNode.class));
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                FlowNode a = nodes.get(i);
                FlowNode b = nodes.get(j);
                // an expanded sub-process contains its own elements
                if (a.getParentElement() == b || b.getParentElement() == a) {
                    continue;
                }
                assertThat(overlap(shapes.get(a.getId()), shapes.get(b.getId())))
                        .as(a.getId() + " and " + b.getId() + " overlap in " + file).isFalse();
            }
        }
    }

    private static boolean overlap(Bounds a, Bounds b) {
        return a.getX() < b.getX() + b.getWidth() && b.getX() < a.getX() + a.getWidth()
                && a.getY() < b.getY() + b.getHeight() && b.getY() < a.getY() + a.getHeight();
    }

    @ParameterizedTest
    @MethodSource("processes")
    void operationsEndTheirTaskAndCatchTheFailureWithItsMessageCalledProcessesLeaveThatToTheCaller(Path file) {
        Process process = process(file);
        assertThat(process.getCamundaHistoryTimeToLiveString()).as(process.getId()).isNotBlank();
        List<String> listeners = listeners(process);
        List<ErrorEventDefinition> catches = model(file).getModelElementsByType(StartEvent.class).stream()
                .flatMap(s -> s.getEventDefinitions().stream()).filter(ErrorEventDefinition.class::isInstance)
                .map(ErrorEventDefinition.class::cast).toList();
        if (ProcessKeys.OPERATIONS.contains(process.getId())) {
            assertThat(listeners).contains("start:${operationListener}", "end:${operationListener}");
            if (process.getId().endsWith("-database")) {
                assertThat(listeners).contains("end:${databaseOperationListener}");
            }
            assertThat(catches).as("the operation_failed catch of " + process.getId()).singleElement()
                    .satisfies(e -> {
                        assertThat(e.getError().getErrorCode()).isEqualTo(BpmnErrors.OPERATION_FAILED);
                        // also keeps the message of an error thrown inside a called process
                        assertThat(e.getCamundaErrorMessageVariable()).isEqualTo(ProcessVariables.OPERATION_ERROR);
                    });
        } else {
            assertThat(listeners).as("a called process shares its caller's task").isEmpty();
            assertThat(catches).as("a called process lets operation_failed reach its caller").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("processes")
    void everyCallActivityCallsAShippedDeployedProcessAndPassesTheTaskAsBusinessKey(Path file) {
        RepositoryService repository = TestServer.get().bean(RepositoryService.class);
        for (CallActivity call : model(file).getModelElementsByType(CallActivity.class)) {
            String called = call.getCalledElement();
            assertThat(Files.exists(Path.of("processes", called + ".bpmn"))).as(called + " is shipped").isTrue();
            assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(called).latestVersion().count())
                    .as(called + " is deployed").isEqualTo(1);
            assertThat(ins(call)).as("business key of " + call.getId())
                    .anyMatch(in -> in.getCamundaBusinessKey() != null && !in.getCamundaBusinessKey().isBlank());
            assertThat(ins(call)).as("no 'all variables' mapping in " + call.getId())
                    .noneMatch(in -> in.getCamundaVariables() != null);
        }
    }

    /**
     * The deployment-time checks ({@link ProcessModelValidator}, one implementation) over every shipped
     * process: topics, handlers, called processes and every expression against the variables the
     * process has at that point and the expression beans.
     */
    @Test
    void everyShippedProcessPassesTheDeploymentChecks() throws IOException {
        ProcessModelValidator validator = TestServer.get().bean(ProcessModelValidator.class);
        Map<String, Process> world = shipped();
        List<ProcessModelValidator.Problem> problems = new ArrayList<>();
        for (Path file : processes()) {
            problems.addAll(validator.check(file.toString(), process(file), world));
        }
        assertThat(world).hasSizeGreaterThanOrEqualTo(9);
        assertThat(problems).isEmpty();
    }

    @Test
    void theShippedExampleOperationsPassTheDeploymentChecks() throws IOException {
        ProcessModelValidator validator = TestServer.get().bean(ProcessModelValidator.class);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Path.of("processes", "examples"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        assertThat(validator.validate(files)).isEmpty();
    }

    @Test
    void theChecksFindAnUnknownTopicAVariableNoOneSetsAMissingMethodAndAMissingCalledProcess() throws IOException {
        ProcessModelValidator validator = TestServer.get().bean(ProcessModelValidator.class);
        String broken = Files.readString(Path.of("processes", ProcessKeys.DELETE_DATABASE + ".bpmn"))
                .replace("deleteDatabaseRecords@${requestHost}", "dropEverything@${requestHost}")
                .replace("${operationPlan.ids(removeInstances)}", "${operationPlan.ids(removeInstancez)}")
                .replace("${operationPlan.host(instanceHosts, instanceId)}", "${operationPlan.hosts(instanceHosts, instanceId)}")
                .replace("calledElement=\"remove-instance\"", "calledElement=\"remove-instanze\"");
        List<ProcessModelValidator.Problem> problems = validator.validate(
                Map.of("delete-database.bpmn", broken.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(problems).extracting(ProcessModelValidator.Problem::elementId)
                .contains("deleteDatabaseRecords", "removeInstances");
        assertThat(problems).extracting(ProcessModelValidator.Problem::reason).anySatisfy(r -> assertThat(r)
                .contains("handler 'dropEverything'")).anySatisfy(r -> assertThat(r).contains("'removeInstancez'"))
                .anySatisfy(r -> assertThat(r).contains("'hosts' with 2 argument(s) is not a method of bean 'operationPlan'"))
                .anySatisfy(r -> assertThat(r).contains("calls process 'remove-instanze'"));
        assertThat(problems).allSatisfy(p -> assertThat(p.resource()).isEqualTo("delete-database.bpmn"));
        assertThat(validator.validate(Map.of("x.bpmn", "<not-bpmn/>".getBytes()))).singleElement()
                .satisfies(p -> assertThat(p.reason()).startsWith("does not parse as BPMN"));
    }

    @Test
    void aTopicOrExpressionThatDoesNotResolveIsFoundByTheCheck() {
        ProcessModelValidator validator = TestServer.get().bean(ProcessModelValidator.class);
        java.util.Optional<Set<String>> vars = java.util.Optional.of(Set.of(ProcessVariables.INSTANCE_HOST));
        assertThat(validator.checkExpression("${instanceHots}", vars)).isPresent();
        assertThat(validator.checkExpression("${operationPlan.hosts(instanceHost)}", vars)).isPresent();
        assertThat(validator.checkExpression("${operationPlans.ids(instanceHost)}", vars)).isPresent();
        assertThat(validator.checkExpression("x@${operationPlan.ids(instanceHost)}", vars)).isEmpty();
        assertThat(validator.checkExpression("${!instanceHost}", vars)).as("a coercion of a sample").isEmpty();
    }

    @Test
    void noShippedExpressionReadsTheExecutionDirectly() throws IOException {
        for (Path file : processes()) {
            assertThat(Files.readString(file)).as(file.toString()).doesNotContain("${execution");
        }
    }

    @Test
    void anOperationCalledByAnotherGetsEveryVariableItStartsWith() throws IOException {
        ProcessModelValidator validator = TestServer.get().bean(ProcessModelValidator.class);
        Map<String, Process> world = shipped();
        for (String key : ProcessKeys.OPERATIONS) {
            validator.mappedInByCallers(key, world).ifPresent(mapped -> assertThat(mapped)
                    .as("what the callers of " + key + " map in").containsAll(
                            ProcessVariables.startVariablesOf(key).orElseThrow()));
        }
    }

    private static Map<String, Process> shipped() throws IOException {
        Map<String, Process> byKey = new LinkedHashMap<>();
        for (Path file : processes()) {
            byKey.put(process(file).getId(), process(file));
        }
        return byKey;
    }

    @Test
    void everyStepHandlerHasAModelerTemplateAndEveryCalledProcessACallTemplate() throws IOException {
        JsonNode templates = new ObjectMapper().readTree(
                Path.of("processes/element-templates/control-plane-steps.json").toFile());
        Set<String> serviceTemplates = new TreeSet<>();
        Set<String> callTemplates = new TreeSet<>();
        templates.forEach(t -> {
            String applies = t.path("appliesTo").get(0).asText();
            String id = t.path("id").asText();
            if (applies.equals("bpmn:ServiceTask")) {
                serviceTemplates.add(id.replace("io.controlplane.", ""));
            } else if (applies.equals("bpmn:CallActivity")) {
                callTemplates.add(id.replace("io.controlplane.call.", ""));
            }
        });
        Set<String> handlers = new TreeSet<>();
        TestServer.get().beansOf(StepHandler.class).stream()
                .filter(h -> h.getClass().getPackageName().equals("io.controlplane.delegates"))
                .forEach(h -> handlers.add(h.name()));
        assertThat(handlers).isEqualTo(new TreeSet<>(HandlerNames.ALL));
        assertThat(serviceTemplates).isEqualTo(handlers);
        assertThat(callTemplates).isEqualTo(new TreeSet<>(ProcessKeys.CALLED));
    }

    // ---- model helpers

    private static String documentation(ModelElementInstance element) {
        return element.getChildElementsByType(Documentation.class).stream().map(Documentation::getTextContent)
                .reduce("", String::concat).trim();
    }

    private static List<String> listeners(Process process) {
        if (process.getExtensionElements() == null) {
            return List.of();
        }
        return process.getExtensionElements().getElementsQuery().filterByType(CamundaExecutionListener.class).list()
                .stream().map(l -> l.getCamundaEvent() + ":" + l.getCamundaDelegateExpression()).toList();
    }

    private static Collection<CamundaIn> ins(CallActivity call) {
        return call.getExtensionElements() == null ? List.of()
                : call.getExtensionElements().getElementsQuery().filterByType(CamundaIn.class).list();
    }

    private static MultiInstanceLoopCharacteristics loop(Activity activity) {
        return activity.getLoopCharacteristics() instanceof MultiInstanceLoopCharacteristics mi ? mi : null;
    }
}
