package io.controlplane.engine;

import jakarta.el.ELContext;
import jakarta.el.ELException;
import jakarta.el.ELResolver;
import jakarta.el.ExpressionFactory;
import jakarta.el.FunctionMapper;
import jakarta.el.MethodNotFoundException;
import jakarta.el.PropertyNotFoundException;
import jakarta.el.ValueExpression;
import jakarta.el.VariableMapper;
import java.beans.FeatureDescriptor;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.CallActivity;
import org.camunda.bpm.model.bpmn.instance.ErrorEventDefinition;
import org.camunda.bpm.model.bpmn.instance.MultiInstanceLoopCharacteristics;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaExecutionListener;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaFormField;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaIn;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaOut;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaOutputParameter;
import org.camunda.bpm.model.xml.ModelException;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The checks a BPMN deployment passes before the engine gets it: from {@code engine.processes_dir},
 * {@code POST /v1/processes/deploy}, and {@code /engine-rest} or Cockpit deployments; the build runs the
 * same checks over {@code processes/*.bpmn} ({@code ProcessModelConventionsTest}). A deployment is
 * refused with every problem found, each naming the file, the element id and the reason:
 * <ul>
 *   <li>the file parses as BPMN;</li>
 *   <li>every service task is an external task whose topic {@code <handler>@<host>} names a handler
 *       this server has and a host that is {@code any} or one expression;</li>
 *   <li>every {@code ${...}} expression names variables the process has at that point (its start
 *       variables, what its steps, forms and mappings set, the multi-instance element variables, for a
 *       called process what every caller maps in) or expression beans, and only methods those beans
 *       have;</li>
 *   <li>every called process exists (deployed, or in the same deployment);</li>
 *   <li>a process marked as an operation of an ops engineer ({@link CustomOperationModel}) is marked
 *       correctly and ends its task through {@code ${operationListener}}.</li>
 * </ul>
 * Expressions are checked, never run: a bean method is looked up, not called.
 */
@Component
public class ProcessModelValidator {

    /** One reason a deployment is refused. */
    public record Problem(String resource, String elementId, String reason) {
        @Override
        public String toString() {
            return resource + (elementId == null || elementId.isEmpty() ? "" : " " + elementId) + ": " + reason;
        }
    }

    private static final Pattern EXPRESSION = Pattern.compile("[$#]\\{[^}]*}");
    private static final String CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn";
    private static final String BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    /** Names Camunda itself offers in every expression. */
    private static final Set<String> ENGINE_NAMES = Set.of("execution", "task", "externalTask", "authenticatedUserId",
            "variableScope", "processEngine", "processEngineServices");
    private static final Set<String> ENGINE_FUNCTIONS = Set.of("now", "dateTime", "currentUser", "currentUserGroups");

    private final StepWorker worker;
    private final RepositoryService repository;
    private final ApplicationContext beans;
    private final Map<String, BpmnModelInstance> deployedModels = new ConcurrentHashMap<>();

    public ProcessModelValidator(StepWorker worker, RepositoryService repository, ApplicationContext beans) {
        this.worker = worker;
        this.repository = repository;
        this.beans = beans;
    }

    /**
     * Every problem of a deployment (resource name → content; only {@code .bpmn} resources are read), with
     * the latest deployed version of every other process as its surroundings. Empty: accept it.
     */
    public List<Problem> validate(Map<String, byte[]> resources) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Located> processes = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> resource : resources.entrySet()) {
            if (!isBpmn(resource.getKey())) {
                continue;
            }
            BpmnModelInstance model;
            try {
                model = Bpmn.readModelFromStream(new ByteArrayInputStream(resource.getValue()));
            } catch (ModelException | IllegalArgumentException e) {
                problems.add(new Problem(resource.getKey(), "", "does not parse as BPMN: " + rootMessage(e)));
                continue;
            }
            for (Process process : model.getModelElementsByType(Process.class)) {
                if (process.isExecutable()) {
                    processes.put(process.getId(), new Located(resource.getKey(), process));
                }
            }
        }
        Map<String, Process> world = new LinkedHashMap<>(deployedProcesses());
        processes.forEach((key, located) -> world.put(key, located.process()));
        for (Located located : processes.values()) {
            problems.addAll(check(located.resource(), located.process(), world));
        }
        return problems;
    }

    /** The checks of one process among the given ones (key → process): for the build over processes/. */
    public List<Problem> check(String resource, Process process, Map<String, Process> world) {
        List<Problem> problems = new ArrayList<>();
        checkSteps(resource, process, problems);
        checkCalls(resource, process, world, problems);
        Optional<CustomOperationModel> custom = CustomOperationModel.of(process);
        custom.ifPresent(c -> checkCustomOperation(resource, process, c, problems));
        Optional<Set<String>> variables = variablesOf(process, custom, world);
        checkExpressions(resource, process, variables, problems);
        return problems;
    }

    /** The latest deployed version of every process, by key. */
    private Map<String, Process> deployedProcesses() {
        Map<String, Process> byKey = new LinkedHashMap<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion().list()) {
            BpmnModelInstance model = deployedModels.computeIfAbsent(definition.getId(),
                    id -> repository.getBpmnModelInstance(id));
            Process process = model.getModelElementById(definition.getKey());
            if (process != null) {
                byKey.put(definition.getKey(), process);
            }
        }
        return byKey;
    }

    // ---- steps and calls

    private void checkSteps(String resource, Process process, List<Problem> problems) {
        for (ServiceTask task : process.getModelInstance().getModelElementsByType(ServiceTask.class)) {
            if (!belongsTo(task, process)) {
                continue;
            }
            if (!"external".equals(task.getCamundaType())) {
                problems.add(new Problem(resource, task.getId(), "a service task must be an external task"
                        + " (camunda:type=\"external\", topic <handler>@<host>): the control plane's step worker"
                        + " runs every step"));
                continue;
            }
            String topic = task.getCamundaTopic() == null ? "" : task.getCamundaTopic();
            int at = topic.lastIndexOf('@');
            if (at <= 0) {
                problems.add(new Problem(resource, task.getId(), "topic '" + topic
                        + "' must be <handler>@<host>, e.g. runSql@${operationPlan.host(nodeHosts, nodeName)}"));
                continue;
            }
            String handler = Topics.handlerOf(topic);
            if (!worker.handles(handler)) {
                problems.add(new Problem(resource, task.getId(), "topic '" + topic + "' names handler '" + handler
                        + "', which this server does not have (handlers: " + String.join(", ", worker.handlerNames())
                        + ")"));
            }
            String host = topic.substring(at + 1);
            if (!host.equals(Topics.ANY_HOST) && !(host.startsWith("${") && host.endsWith("}")
                    && EXPRESSION.matcher(host).results().count() == 1)) {
                problems.add(new Problem(resource, task.getId(), "the host part of topic '" + topic
                        + "' must be 'any' or one expression, e.g. ${requestHost}"));
            }
        }
    }

    private void checkCalls(String resource, Process process, Map<String, Process> world, List<Problem> problems) {
        for (CallActivity call : process.getModelInstance().getModelElementsByType(CallActivity.class)) {
            if (!belongsTo(call, process)) {
                continue;
            }
            String called = call.getCalledElement();
            if (called == null || called.isBlank()) {
                problems.add(new Problem(resource, call.getId(), "a call activity must name the process it calls"));
            } else if (!EXPRESSION.matcher(called).find() && !world.containsKey(called)) {
                problems.add(new Problem(resource, call.getId(), "calls process '" + called
                        + "', which is neither deployed nor part of this deployment"));
            }
        }
    }

    private void checkCustomOperation(String resource, Process process, CustomOperationModel custom,
                                      List<Problem> problems) {
        custom.problems().forEach(p -> problems.add(new Problem(resource, process.getId(), p)));
        List<String> listeners = processListeners(process);
        for (String event : List.of("start", "end")) {
            if (!listeners.contains(event + ":${operationListener}")) {
                problems.add(new Problem(resource, process.getId(), "an operation must declare the execution"
                        + " listener ${operationListener} for '" + event + "' on the process (it "
                        + (event.equals("start") ? "ties the process to its task" : "ends the task") + ")"));
            }
        }
    }

    // ---- variables a process has

    /**
     * The variables {@code process} can read, or empty when nothing tells what it starts with (a process
     * nobody calls that is no known operation): then only beans and their methods are checked.
     */
    private Optional<Set<String>> variablesOf(Process process, Optional<CustomOperationModel> custom,
                                              Map<String, Process> world) {
        Set<String> vars = new TreeSet<>();
        Optional<Set<String>> atStart = ProcessVariables.startVariablesOf(process.getId());
        if (custom.isPresent()) {
            vars.addAll(custom.get().startVariables());
        } else if (atStart.isPresent()) {
            vars.addAll(atStart.get());
        } else {
            Optional<Set<String>> mapped = mappedInByCallers(process.getId(), world);
            if (mapped.isEmpty()) {
                return Optional.empty();
            }
            vars.addAll(mapped.get());
        }
        vars.addAll(setInside(process));
        return Optional.of(vars);
    }

    /** What every caller maps into a called process (their intersection); empty when nobody calls it. */
    public Optional<Set<String>> mappedInByCallers(String key, Map<String, Process> world) {
        Set<String> common = null;
        for (Process caller : world.values()) {
            for (CallActivity call : caller.getModelInstance().getModelElementsByType(CallActivity.class)) {
                if (!key.equals(call.getCalledElement()) || !belongsTo(call, caller)) {
                    continue;
                }
                Set<String> mapped = new HashSet<>();
                for (CamundaIn in : extensions(call, CamundaIn.class)) {
                    if ("all".equals(in.getCamundaVariables())) {
                        return Optional.empty();
                    }
                    if (in.getCamundaTarget() != null) {
                        mapped.add(in.getCamundaTarget());
                    }
                }
                if (common == null) {
                    common = mapped;
                } else {
                    common.retainAll(mapped);
                }
            }
        }
        return Optional.ofNullable(common);
    }

    /** What a process sets itself: step outputs, form fields, mappings, error variables, loop variables. */
    private Set<String> setInside(Process process) {
        BpmnModelInstance model = (BpmnModelInstance) process.getModelInstance();
        Set<String> vars = new TreeSet<>(List.of(ProcessVariables.OPERATION_ERROR, ProcessVariables.OPERATION_CANCELED));
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            if (belongsTo(task, process) && task.getCamundaTopic() != null) {
                vars.addAll(worker.outputsOf(Topics.handlerOf(task.getCamundaTopic())));
            }
        }
        model.getModelElementsByType(CamundaFormField.class).forEach(f -> add(vars, f.getCamundaId()));
        model.getModelElementsByType(CamundaOutputParameter.class).forEach(p -> add(vars, p.getCamundaName()));
        model.getModelElementsByType(CamundaInputParameter.class).forEach(p -> add(vars, p.getCamundaName()));
        model.getModelElementsByType(CamundaOut.class).forEach(o -> add(vars, o.getCamundaTarget()));
        for (ErrorEventDefinition e : model.getModelElementsByType(ErrorEventDefinition.class)) {
            add(vars, e.getCamundaErrorMessageVariable());
            add(vars, e.getCamundaErrorCodeVariable());
        }
        model.getModelElementsByType(MultiInstanceLoopCharacteristics.class)
                .forEach(mi -> add(vars, mi.getCamundaElementVariable()));
        return vars;
    }

    // ---- expressions

    /** Every expression anywhere in the process's XML: attributes and text of every element. */
    private void checkExpressions(String resource, Process process, Optional<Set<String>> variables,
                                  List<Problem> problems) {
        Element root = domOf(process);
        if (root == null) {
            return;
        }
        walk(root, process.getId(), (owner, text) -> {
            Matcher m = EXPRESSION.matcher(text);
            if (m.find()) {
                checkExpression(text, variables).ifPresent(reason -> problems.add(new Problem(resource, owner, reason)));
            }
        });
    }

    /** The reason an expression does not resolve, or empty. Public for the build's own checks. */
    public Optional<String> checkExpression(String text, Optional<Set<String>> variables) {
        ExpressionFactory factory = ExpressionFactory.newInstance();
        CheckingContext context = new CheckingContext(variables);
        ValueExpression expression;
        try {
            expression = factory.createValueExpression(context, text, Object.class);
        } catch (ELException e) {
            return Optional.of("expression '" + text + "' does not parse: " + e.getMessage());
        }
        try {
            expression.getValue(context);
        } catch (PropertyNotFoundException | MethodNotFoundException e) {
            return Optional.of("expression '" + text + "': " + e.getMessage());
        } catch (ELException | ClassCastException | IllegalArgumentException e) {
            // a coercion of a sample value (a variable used as a boolean, say): the names resolved
        }
        return Optional.empty();
    }

    private interface ExpressionSink {
        void found(String ownerId, String text);
    }

    private static void walk(Element element, String ownerId, ExpressionSink sink) {
        String id = element.hasAttribute("id") ? element.getAttribute("id") : ownerId;
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attr = (Attr) attributes.item(i);
            if (!"id".equals(attr.getName()) && attr.getValue().contains("{")) {
                sink.found(id, attr.getValue());
            }
        }
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child instanceof Element e) {
                // diagram and documentation carry no expressions
                if (!"documentation".equals(e.getLocalName())) {
                    walk(e, id, sink);
                }
            } else if ((child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE)
                    && child.getNodeValue() != null && child.getNodeValue().contains("{")
                    && isExpressionCarrier(element)) {
                sink.found(id, child.getNodeValue().trim());
            }
        }
    }

    /** Elements whose text the engine evaluates (conditions, parameters, loop settings, timers). */
    private static boolean isExpressionCarrier(Element element) {
        String ns = element.getNamespaceURI();
        if (CAMUNDA_NS.equals(ns)) {
            return !"script".equals(element.getLocalName());
        }
        return BPMN_NS.equals(ns) && Set.of("conditionExpression", "completionCondition", "loopCardinality",
                "timeDuration", "timeDate", "timeCycle").contains(element.getLocalName());
    }

    private static Element domOf(Process process) {
        String id = process.getId();
        org.w3c.dom.Document document = (org.w3c.dom.Document) process.getModelInstance().getDocument().getDomSource()
                .getNode();
        NodeList list = document.getElementsByTagNameNS(BPMN_NS, "process");
        for (int i = 0; i < list.getLength(); i++) {
            Element e = (Element) list.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        return null;
    }

    /** A value that stands for a process variable while checking: anything can be read from it. */
    private static final class Sample {
        private final String name;

        Sample(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return "sample-" + name;
        }
    }

    /** Resolves names to samples and beans, and methods by looking them up (never by calling them). */
    private final class CheckingContext extends ELContext {
        private final Optional<Set<String>> variables;
        private final ELResolver resolver = new ELResolver() {
            @Override
            public Object getValue(ELContext context, Object base, Object property) {
                context.setPropertyResolved(true);
                String name = String.valueOf(property);
                if (base == null) {
                    return root(name);
                }
                if (base instanceof Sample || base instanceof Map<?, ?>) {
                    return new Sample(name);
                }
                if (!hasProperty(base.getClass(), name)) {
                    throw new PropertyNotFoundException("'" + name + "' is not a property of "
                            + base.getClass().getSimpleName());
                }
                return new Sample(name);
            }

            @Override
            public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
                context.setPropertyResolved(true);
                String name = String.valueOf(method);
                int arity = params == null ? 0 : params.length;
                if (!(base instanceof Sample) && !hasMethod(base.getClass(), name, arity)) {
                    throw new MethodNotFoundException("'" + name + "' with " + arity + " argument(s) is not a method of "
                            + beanName(base));
                }
                return new Sample(name);
            }

            @Override
            public Class<?> getType(ELContext context, Object base, Object property) {
                context.setPropertyResolved(true);
                return Object.class;
            }

            @Override
            public void setValue(ELContext context, Object base, Object property, Object value) {
                context.setPropertyResolved(true);
            }

            @Override
            public boolean isReadOnly(ELContext context, Object base, Object property) {
                context.setPropertyResolved(true);
                return true;
            }

            public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
                return null;
            }

            @Override
            public Class<?> getCommonPropertyType(ELContext context, Object base) {
                return Object.class;
            }
        };

        CheckingContext(Optional<Set<String>> variables) {
            this.variables = variables;
        }

        private Object root(String name) {
            if (variables.isEmpty() || variables.get().contains(name) || ENGINE_NAMES.contains(name)) {
                return new Sample(name);
            }
            if (beans.containsBean(name)) {
                return beans.getBean(name);
            }
            throw new PropertyNotFoundException("'" + name + "' is neither a variable the process has at that point ("
                    + String.join(", ", variables.get()) + ") nor an expression bean");
        }

        @Override
        public ELResolver getELResolver() {
            return resolver;
        }

        @Override
        public FunctionMapper getFunctionMapper() {
            return new FunctionMapper() {
                @Override
                public Method resolveFunction(String prefix, String localName) {
                    if ((prefix == null || prefix.isEmpty()) && ENGINE_FUNCTIONS.contains(localName)) {
                        try {
                            return ProcessModelValidator.class.getDeclaredMethod("engineFunction");
                        } catch (NoSuchMethodException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return null;
                }
            };
        }

        @Override
        public VariableMapper getVariableMapper() {
            return new VariableMapper() {
                @Override
                public ValueExpression resolveVariable(String variable) {
                    return null;
                }

                @Override
                public ValueExpression setVariable(String variable, ValueExpression expression) {
                    return null;
                }
            };
        }
    }

    /** Stands for Camunda's expression functions ({@code now()}, {@code currentUser()}, ...) while checking. */
    @SuppressWarnings("unused")
    private static Object engineFunction() {
        return "sample";
    }

    private String beanName(Object bean) {
        for (String name : beans.getBeanNamesForType(bean.getClass())) {
            return "bean '" + name + "'";
        }
        return bean.getClass().getSimpleName();
    }

    private static boolean hasMethod(Class<?> type, String name, int arity) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && Modifier.isPublic(m.getModifiers())
                    && (m.getParameterCount() == arity || m.isVarArgs())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasProperty(Class<?> type, String name) {
        if (name.isEmpty()) {
            return false;
        }
        String cap = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        return hasMethod(type, "get" + cap, 0) || hasMethod(type, "is" + cap, 0);
    }

    // ---- helpers

    private record Located(String resource, Process process) {
    }

    private static boolean isBpmn(String resource) {
        return resource.endsWith(".bpmn") || resource.endsWith(".bpmn20.xml");
    }

    /** Whether a flow element sits in {@code process} (a file may hold several). */
    private static boolean belongsTo(org.camunda.bpm.model.xml.instance.ModelElementInstance element, Process process) {
        for (var e = element.getParentElement(); e != null; e = e.getParentElement()) {
            if (e instanceof Process p) {
                return p.getId().equals(process.getId());
            }
        }
        return false;
    }

    private static List<String> processListeners(Process process) {
        return extensions(process, CamundaExecutionListener.class).stream()
                .map(l -> l.getCamundaEvent() + ":" + l.getCamundaDelegateExpression()).toList();
    }

    private static <T extends org.camunda.bpm.model.xml.instance.ModelElementInstance> Collection<T> extensions(
            org.camunda.bpm.model.bpmn.instance.BaseElement element, Class<T> type) {
        return element.getExtensionElements() == null ? List.of()
                : element.getExtensionElements().getElementsQuery().filterByType(type).list();
    }

    private static void add(Set<String> vars, String name) {
        if (name != null && !name.isBlank()) {
            vars.add(name);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? e.getMessage() : t.getMessage();
    }
}
