package io.controlplane.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * pgEdge Control Plane's own OpenAPI 3 document ({@code src/test/resources/pgedge-api/openapi3.json}) as
 * the contract of every {@code /v1} response the tests receive: {@link Http} hands each one here, it is
 * matched to the document's operation by method and path, and its body is validated against that
 * operation's response schema for the status (the {@code default} response, {@code APIError}, for an
 * error status the operation does not list). A mismatch is a {@link Violation} naming the operation,
 * the status, the JSON path and the body. Every (operation, status) checked is recorded, so a test can
 * prove which endpoints and statuses a run covered.
 */
public final class ApiContract {

    /** The document as the tests use it: unmodified, PostgreSQL License (see the README beside it). */
    static final String DOCUMENT = "/pgedge-api/openapi3.json";
    private static final String DOCUMENT_IRI = "https://controlplane.test/pgedge-api/openapi3.json";
    private static final String API_ERROR = "#/components/schemas/APIError";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    private static final ApiContract INSTANCE = load();

    /** One operation of the document, e.g. {@code get-host} = GET /v1/hosts/{host_id}. */
    public record Operation(String id, String method, String path, Pattern pattern, int literalSegments,
                            Map<String, String> responseRefs) {

        /** The statuses the document lists for this operation, without {@code default}. */
        public Set<Integer> listedStatuses() {
            return responseRefs.keySet().stream().filter(s -> !s.equals("default")).map(Integer::valueOf)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** A response that was validated: the operation's id (or the method and path, off the document). */
    public record Checked(String operation, int status) {
        @Override
        public String toString() {
            return operation + " " + status;
        }
    }

    /** A response that does not conform to the document. */
    public static final class Violation extends AssertionError {
        Violation(String message) {
            super(message);
        }
    }

    private final List<Operation> operations;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Set<Checked> checked = ConcurrentHashMap.newKeySet();
    private final List<Recording> recordings = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The (operation, status) pairs validated from its start on, e.g. during one test class. */
    public static final class Recording implements AutoCloseable {
        private final Set<Checked> checked = ConcurrentHashMap.newKeySet();
        private final ApiContract contract;

        private Recording(ApiContract contract) {
            this.contract = contract;
        }

        public Set<Checked> checked() {
            return Set.copyOf(checked);
        }

        @Override
        public void close() {
            contract.recordings.remove(this);
        }
    }

    private ApiContract(List<Operation> operations, SchemaRegistry registry) {
        this.operations = operations;
        this.registry = registry;
    }

    public static ApiContract get() {
        return INSTANCE;
    }

    public List<Operation> operations() {
        return operations;
    }

    public Optional<Operation> operation(String id) {
        return operations.stream().filter(o -> o.id().equals(id)).findFirst();
    }

    /** Starts recording what is validated from now on, whatever was validated before in this JVM. */
    public Recording startRecording() {
        Recording r = new Recording(this);
        recordings.add(r);
        return r;
    }

    /**
     * What of {@code served} was never validated: per operation, each status the document lists for it
     * that {@code applies} and is not in {@code checked} nor named {@code "<operation> <status>"} in
     * {@code notApplicable}. Empty when every served operation was checked with all of them.
     */
    public static Map<String, List<Integer>> uncovered(List<Operation> served, Set<Checked> checked,
                                                       java.util.function.IntPredicate applies,
                                                       Set<String> notApplicable) {
        Map<String, List<Integer>> missing = new java.util.TreeMap<>();
        for (Operation op : served) {
            for (int status : op.listedStatuses()) {
                if (applies.test(status) && !notApplicable.contains(op.id() + " " + status)
                        && !checked.contains(new Checked(op.id(), status))) {
                    missing.computeIfAbsent(op.id(), k -> new ArrayList<>()).add(status);
                }
            }
        }
        return missing;
    }

    /** Every (operation, status) validated in this JVM so far. */
    public Set<Checked> checked() {
        return Set.copyOf(checked);
    }

    /**
     * Validates one response; no-op outside {@code /v1} and for our own OpenAPI document.
     *
     * @throws Violation when the body does not conform to the document
     */
    public void check(String method, URI uri, int status, String body) {
        String path = uri.getPath();
        if (path == null || !(path.equals("/v1") || path.startsWith("/v1/")) || path.equals("/v1/openapi.json")) {
            return;
        }
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        if (status < 400 && ("&" + query).contains("&dry_run=true")) {
            return; // our extension (docs/api.md): the plan of the operation, a body pgEdge does not define
        }
        Optional<Operation> match = match(method, path);
        if (match.isEmpty()) {
            // not an operation of the document (an unknown path or method): only errors are defined, as APIError
            String where = method + " " + path;
            if (status < 400) {
                return;
            }
            validate(where, status, API_ERROR, body);
            record(new Checked(where, status));
            return;
        }
        Operation op = match.get();
        String ref = op.responseRefs().get(String.valueOf(status));
        if (ref == null) {
            if (status < 400) {
                throw new Violation(op.id() + " (" + method + " " + path + ") answered " + status
                        + ", which the document does not list (" + op.listedStatuses() + "); body: " + body);
            }
            ref = op.responseRefs().get("default");
        }
        if (ref.isEmpty()) {
            if (body != null && !body.isEmpty()) {
                throw new Violation(op.id() + " " + status + ": the document defines no body, got: " + body);
            }
        } else {
            validate(op.id(), status, ref, body);
        }
        record(new Checked(op.id(), status));
    }

    private void record(Checked c) {
        checked.add(c);
        recordings.forEach(r -> r.checked.add(c));
    }

    private void validate(String operation, int status, String ref, String body) {
        List<Error> errors;
        try {
            errors = schema(ref).validate(body == null ? "" : body, InputFormat.JSON);
        } catch (RuntimeException notJson) {
            throw new Violation(operation + " " + status + ": the body is not JSON (" + notJson.getMessage()
                    + "); body: " + body);
        }
        if (!errors.isEmpty()) {
            String problems = errors.stream()
                    .map(e -> e.getInstanceLocation() + ": " + e.getMessage() + " [" + e.getKeyword() + " at "
                            + e.getSchemaLocation() + "]")
                    .collect(Collectors.joining("\n  "));
            throw new Violation(operation + " " + status + " does not conform to " + ref.substring(1)
                    + " of pgEdge's OpenAPI document:\n  " + problems + "\nbody: " + body);
        }
    }

    private Schema schema(String ref) {
        return schemas.computeIfAbsent(ref, r -> registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + r)));
    }

    /** The operation of the path; a literal segment beats a parameter (none of ours overlap, but be sure). */
    Optional<Operation> match(String method, String path) {
        return operations.stream()
                .filter(o -> o.method().equalsIgnoreCase(method) && o.pattern().matcher(path).matches())
                .max(Comparator.comparingInt(Operation::literalSegments));
    }

    private static ApiContract load() {
        String text;
        try (InputStream in = ApiContract.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException("the test resources lack " + DOCUMENT);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode document;
        try {
            document = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Operation> operations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(m -> {
                if (METHODS.contains(m.getKey())) {
                    operations.add(operation(path.getKey(), m.getKey(), m.getValue()));
                }
            });
        }
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(PathType.JSON_PATH)
                .build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(),
                b -> b.schemas(Map.of(DOCUMENT_IRI, text)).schemaRegistryConfig(config));
        return new ApiContract(List.copyOf(operations), registry);
    }

    private static Operation operation(String path, String method, JsonNode op) {
        Map<String, String> refs = new java.util.LinkedHashMap<>();
        op.path("responses").fields().forEachRemaining(r -> {
            JsonNode schema = r.getValue().path("content").path("application/json").path("schema");
            if (!schema.isMissingNode() && !schema.has("$ref")) {
                throw new IllegalStateException(op.path("operationId").asText() + " " + r.getKey()
                        + ": an inline response schema; ApiContract expects $ref");
            }
            refs.put(r.getKey(), schema.path("$ref").asText(""));
        });
        StringBuilder regex = new StringBuilder("^");
        int literals = 0;
        for (String segment : path.substring(1).split("/")) {
            regex.append('/');
            if (segment.startsWith("{") && segment.endsWith("}")) {
                regex.append("[^/]+");
            } else {
                regex.append(Pattern.quote(segment));
                literals++;
            }
        }
        regex.append('$');
        return new Operation(op.path("operationId").asText(), method.toUpperCase(java.util.Locale.ROOT), path,
                Pattern.compile(regex.toString()), literals, Map.copyOf(refs));
    }
}
