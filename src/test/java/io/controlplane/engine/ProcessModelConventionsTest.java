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

    @Test
    void everyExpressionResolvesAgainstTheBeansAndTheVariablesThatProcessHas() throws IOException {
        Map<String, Process> byKey = new LinkedHashMap<>();
        for (Path file : processes()) {
            byKey.put(process(file).getId(), process(file));
        }
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Process process : byKey.values()) {
            Set<String> variables = variablesAtStart(process.getId(), byKey);
            // what the process's steps set (the plan, the chosen candidate, ...), as ProcessVariables says
            for (ServiceTask task : process.getModelInstance().getModelElementsByType(ServiceTask.class)) {
                variables.addAll(ProcessVariables.setBy(Topics.handlerOf(task.getCamundaTopic())));
            }
            for (String listener : listeners(process)) {
                checked += check(process, "listener", listener.substring(listener.indexOf(':') + 1), variables, problems);
            }
            for (Activity activity : process.getModelInstance().getModelElementsByType(Activity.class)) {
                Set<String> inside = new HashSet<>(variables);
                MultiInstanceLoopCharacteristics mi = loop(activity);
                if (mi != null) {
                    checked += check(process, activity.getId() + " collection", mi.getCamundaCollection(), variables,
                            problems);
                    inside.add(mi.getCamundaElementVariable());
                }
                if (activity instanceof ServiceTask task) {
                    String topic = task.getCamundaTopic();
                    checked += check(process, activity.getId() + " topic", topic.substring(topic.lastIndexOf('@') + 1),
                            inside, problems);
                }
                if (activity instanceof CallActivity call) {
                    for (CamundaIn in : ins(call)) {
                        checked += check(process, call.getId() + " business key", in.getCamundaBusinessKey(), inside,
                                problems);
                        checked += check(process, call.getId() + " in " + in.getCamundaTarget(),
                                in.getCamundaSourceExpression(), inside, problems);
                        if (in.getCamundaSource() != null && !inside.contains(in.getCamundaSource())) {
                            problems.add(process.getId() + ": " + call.getId() + " maps variable '"
                                    + in.getCamundaSource() + "' that the process does not have");
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).as("expressions checked").isGreaterThan(50);
        assertThat(problems).isEmpty();
    }

    @Test
    void aTopicOrExpressionThatDoesNotResolveIsFoundByTheCheck() {
        List<String> problems = new ArrayList<>();
        Process any = process(Path.of("processes", ProcessKeys.CREATE_INSTANCE + ".bpmn"));
        check(any, "unknown variable", "${instanceHots}", Set.of(ProcessVariables.INSTANCE_HOST), problems);
        check(any, "unknown bean method", "${operationPlan.hosts(instanceHost)}", Set.of(ProcessVariables.INSTANCE_HOST),
                problems);
        check(any, "unknown bean", "${operationPlans.ids(instanceHost)}", Set.of(ProcessVariables.INSTANCE_HOST),
                problems);
        assertThat(problems).hasSize(3);
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

    // ---- the variables a process has

    /**
     * What an operation starts with (the values its starter builds through {@link ProcessVariables},
     * plus the task id the runner adds), or what every caller of a called process maps in.
     */
    private static Set<String> variablesAtStart(String key, Map<String, Process> byKey) {
        if (key.equals(ProcessKeys.REMOVE_HOST)) {
            Set<String> vars = new HashSet<>(ProcessVariables.removeHost("h", false, "r", Map.of()).keySet());
            vars.add(ProcessVariables.TASK_ID);
            return vars;
        }
        if (key.equals(ProcessKeys.BACKUP_NODE)) {
            Set<String> vars = new HashSet<>(ProcessVariables.backupNode("d", "n1", "full", "{}", "{}", "", "r").keySet());
            vars.add(ProcessVariables.TASK_ID);
            return vars;
        }
        if (key.equals(ProcessKeys.BACKUP_SCHEDULE)) {
            Set<String> vars = new HashSet<>(ProcessVariables.backupSchedule("k", "d", "n1", "s", "full", "* * * * *",
                    "2026-01-01T00:00:00Z").keySet());
            vars.add(ProcessVariables.TASK_ID);
            vars.add(ProcessVariables.SCHEDULE_REMOVED);
            return vars;
        }
        if (key.equals(ProcessKeys.RESTORE_DATABASE)) {
            Set<String> vars = new HashSet<>(ProcessVariables.restoreDatabase("d", "r", Map.of()).keySet());
            vars.add(ProcessVariables.TASK_ID);
            return vars;
        }
        Set<String> vars = null;
        if (ProcessKeys.OPERATIONS.contains(key)) {
            vars = new HashSet<>(startVariables(key).keySet());
            vars.add(ProcessVariables.TASK_ID);
        }
        for (Process caller : byKey.values()) {
            for (CallActivity call : caller.getModelInstance().getModelElementsByType(CallActivity.class)) {
                if (call.getCalledElement().equals(key)) {
                    Set<String> mapped = new HashSet<>();
                    ins(call).stream().map(CamundaIn::getCamundaTarget).filter(t -> t != null).forEach(mapped::add);
                    if (vars == null) {
                        vars = mapped;
                    } else if (!ProcessKeys.OPERATIONS.contains(key)) {
                        vars.retainAll(mapped);
                    } else {
                        assertThat(mapped).as(caller.getId() + "/" + call.getId() + " maps in what " + key + " starts with")
                                .containsAll(vars);
                    }
                }
            }
        }
        assertThat(vars).as("callers of " + key).isNotNull();
        return vars;
    }

    /** The variables the API starts an operation with, built by the same factories. */
    private static Map<String, Object> startVariables(String key) {
        return switch (key) {
            case ProcessKeys.SWITCHOVER_NODE -> ProcessVariables.switchover("d", "r", "n1", "", "");
            case ProcessKeys.FAILOVER_NODE -> ProcessVariables.failover("d", "r", "n1", "", false);
            case ProcessKeys.RESTART_INSTANCE, ProcessKeys.STOP_INSTANCE, ProcessKeys.START_INSTANCE ->
                    ProcessVariables.instanceOperation("d", "o", "r", "n1", "i", "h", "", "");
            default -> ProcessVariables.databaseOperation("d", "o", "r", false, List.of());
        };
    }

    // ---- resolving an expression

    /** Evaluates every expression in {@code text} with sample values; records what does not resolve. */
    private static int check(Process process, String where, String text, Set<String> variables, List<String> problems) {
        if (text == null) {
            return 0;
        }
        ExpressionFactoryImpl factory = new ExpressionFactoryImpl();
        SimpleContext context = new SimpleContext(resolver(variables));
        try {
            factory.createValueExpression(context, text, Object.class).getValue(context);
        } catch (PropertyNotFoundException | MethodNotFoundException e) {
            problems.add(process.getId() + ": " + where + " '" + text + "': " + e.getMessage());
        } catch (ELException e) {
            // a bean method that rejects the sample values was found and called: the expression resolves
            if (!(e.getCause() instanceof IllegalArgumentException)) {
                problems.add(process.getId() + ": " + where + " '" + text + "': " + e);
            }
        }
        return 1;
    }

    private static ELResolver resolver(Set<String> variables) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new ELResolver() {
            @Override
            public Object getValue(ELContext context, Object base, Object property) {
                if (base != null) {
                    return null;
                }
                String name = property.toString();
                context.setPropertyResolved(true);
                if (variables.contains(name)) {
                    return "sample-" + name;
                }
                if (name.equals("execution")) {
                    throw new PropertyNotFoundException("use a variable instead of execution: " + name);
                }
                try {
                    return TestServer.get().bean(name);
                } catch (RuntimeException e) {
                    throw new PropertyNotFoundException("no variable or bean named '" + name + "'");
                }
            }

            @Override
            public Class<?> getType(ELContext context, Object base, Object property) {
                return null;
            }

            @Override
            public void setValue(ELContext context, Object base, Object property, Object value) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isReadOnly(ELContext context, Object base, Object property) {
                return true;
            }

            @Override
            public java.util.Iterator<java.beans.FeatureDescriptor> getFeatureDescriptors(ELContext c, Object b) {
                return null;
            }

            @Override
            public Class<?> getCommonPropertyType(ELContext context, Object base) {
                return Object.class;
            }
        });
        resolver.add(new BeanELResolver(true));
        return resolver;
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
