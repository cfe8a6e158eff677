package io.controlplane.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.repository.Resource;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaExecutionListener;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What the engine's REST API ({@code /engine-rest}, and {@code /camunda/api/engine}, which Cockpit and
 * Tasklist use) may do to our operations, checked before the engine sees the request:
 * <ul>
 *   <li>a deployment ({@code deployment/create}, {@code deployment/{id}/redeploy}) passes the same
 *       {@link ProcessModelValidator} checks as {@code processes_dir}, or is refused with 400 and every
 *       problem (file, element id, reason);</li>
 *   <li>a start of one of our operations is refused with 400 naming the {@code /v1} call that starts
 *       it; a start of an ops engineer's operation is checked as {@code /v1} checks it (its database or
 *       host, its inputs) and then becomes a task in the start listener.</li>
 * </ul>
 */
final class EngineRestGuard extends OncePerRequestFilter {

    private static final String PREFIX = "(?:/engine-rest(?:/engine/[^/]+)?|/camunda/api/engine/engine/[^/]+)";
    private static final Pattern START = Pattern.compile(PREFIX
            + "/process-definition/(?:key/([^/]+)(?:/tenant-id/[^/]+)?|([^/]+))/(start|submit-form|restart|restart-async)");
    private static final Pattern CREATE = Pattern.compile(PREFIX + "/deployment/create");
    private static final Pattern REDEPLOY = Pattern.compile(PREFIX + "/deployment/([^/]+)/redeploy");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RepositoryService repository;
    private final ProcessModelValidator validator;
    private final CustomOperations customOperations;

    EngineRestGuard(RepositoryService repository, ProcessModelValidator validator, CustomOperations customOperations) {
        this.repository = repository;
        this.validator = validator;
        this.customOperations = customOperations;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equalsIgnoreCase(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Matcher start = START.matcher(path);
        Matcher redeploy = REDEPLOY.matcher(path);
        if (!start.matches() && !CREATE.matcher(path).matches() && !redeploy.matches()) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        Optional<String> refusal;
        try {
            if (start.matches()) {
                refusal = checkStart(start.group(1), start.group(2), start.group(3), body);
            } else if (redeploy.matches()) {
                refusal = checkRedeploy(redeploy.group(1), body);
            } else {
                refusal = checkDeployment(request.getContentType(), body);
            }
        } catch (OperationRefusedException e) {
            refuse(response, e.kind() == OperationRefusedException.Kind.NOT_FOUND ? 404 : 400, "InvalidRequestException",
                    e.getMessage(), null);
            return;
        } catch (DeploymentRefused e) {
            refuse(response, 400, "InvalidRequestException", "the deployment was refused, the previous versions stay"
                    + " active:\n" + String.join("\n", e.problems.stream().map(Object::toString).toList()), e.problems);
            return;
        }
        if (refusal.isPresent()) {
            refuse(response, 400, "InvalidRequestException", refusal.get(), null);
            return;
        }
        chain.doFilter(new ReplayedRequest(request, body), response);
    }

    // ---- starts

    private Optional<String> checkStart(String key, String definitionId, String verb, byte[] body) {
        ProcessDefinition definition = key != null
                ? repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult()
                : repository.createProcessDefinitionQuery().processDefinitionId(definitionId).singleResult();
        if (definition == null) {
            return Optional.empty(); // the engine answers with its own 404
        }
        String processKey = definition.getKey();
        boolean custom = customOperations.find(processKey).isPresent();
        if (!custom && !isOperation(definition)) {
            return Optional.empty();
        }
        if (verb.startsWith("restart")) {
            return Optional.of(processKey + " is an operation: restarting its finished instances would run it without"
                    + " a task; start a new operation instead");
        }
        if (!custom) {
            return Optional.of(ProcessKeys.refusalOfEngineStart(processKey));
        }
        JsonNode json = parse(body);
        if (json.path("skipCustomListeners").asBoolean(false)) {
            return Optional.of(processKey + " is an operation: its start listener makes it a task, so"
                    + " skipCustomListeners is refused");
        }
        customOperations.checkEngineStart(processKey, variables(json.path("variables")));
        return Optional.empty();
    }

    /** Whether the process ends a task of ours ({@code ${operationListener}} on the process). */
    private boolean isOperation(ProcessDefinition definition) {
        if (ProcessVariables.startVariablesOf(definition.getKey()).isPresent()) {
            return true;
        }
        Object element = repository.getBpmnModelInstance(definition.getId()).getModelElementById(definition.getKey());
        return element instanceof Process process && process.getExtensionElements() != null
                && process.getExtensionElements().getElementsQuery().filterByType(CamundaExecutionListener.class)
                .list().stream().anyMatch(l -> "${operationListener}".equals(l.getCamundaDelegateExpression()));
    }

    private static Map<String, Object> variables(JsonNode variables) {
        Map<String, Object> out = new LinkedHashMap<>();
        variables.fields().forEachRemaining(e -> {
            JsonNode value = e.getValue().path("value");
            Object v = value.isTextual() ? value.asText() : value.isBoolean() ? (Object) value.asBoolean()
                    : value.isNumber() ? value.numberValue() : value.isNull() || value.isMissingNode() ? null
                    : value.toString();
            out.put(e.getKey(), v);
        });
        return out;
    }

    // ---- deployments

    private static final class DeploymentRefused extends RuntimeException {
        private final List<ProcessModelValidator.Problem> problems;

        DeploymentRefused(List<ProcessModelValidator.Problem> problems) {
            this.problems = problems;
        }
    }

    private Optional<String> checkDeployment(String contentType, byte[] body) {
        Map<String, byte[]> resources = MultipartBody.files(contentType, body);
        List<ProcessModelValidator.Problem> problems = validator.validate(resources);
        if (!problems.isEmpty()) {
            throw new DeploymentRefused(problems);
        }
        return Optional.empty();
    }

    private Optional<String> checkRedeploy(String deploymentId, byte[] body) {
        JsonNode json = parse(body);
        List<String> ids = strings(json.path("resourceIds"));
        List<String> names = strings(json.path("resourceNames"));
        Map<String, byte[]> resources = new LinkedHashMap<>();
        for (Resource r : repository.getDeploymentResources(deploymentId)) {
            boolean chosen = (ids.isEmpty() && names.isEmpty()) || ids.contains(r.getId()) || names.contains(r.getName());
            if (chosen) {
                try (InputStream in = repository.getResourceAsStreamById(deploymentId, r.getId())) {
                    resources.put(r.getName(), in.readAllBytes());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        List<ProcessModelValidator.Problem> problems = validator.validate(resources);
        if (!problems.isEmpty()) {
            throw new DeploymentRefused(problems);
        }
        return Optional.empty();
    }

    // ---- helpers

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode(); // the engine answers a malformed body itself
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void refuse(HttpServletResponse response, int status, String type, String message,
                               List<ProcessModelValidator.Problem> problems) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("type", type);
        json.put("message", message);
        if (problems != null) {
            var list = json.putArray("problems");
            problems.forEach(p -> list.addObject().put("resource", p.resource()).put("element_id", p.elementId())
                    .put("reason", p.reason()));
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json.toString());
    }

    /** The request with its body read once, for the filter, and again, for the engine. */
    private static final class ReplayedRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        ReplayedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
