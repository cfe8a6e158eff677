package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.orchestrator.ImageManifest;
import io.controlplane.support.Http;
import io.controlplane.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad database requests over HTTP against the real server: each is refused with 4xx and
 * {@code {"name","message"}}, never a 5xx. No request here may start a process: every create is
 * invalid or names hosts the cluster does not have (its only host is {@value TestServer#HOST_ID}),
 * and the databases that exist for the 409 cases are written straight into the store.
 */
class DatabaseBadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEC_FIXTURES = "/io/controlplane/database/spec/";
    private static final String VALID_ON_UNKNOWN_HOSTS = """
            {"id":"bad-input","spec":{"database_name":"app","nodes":[{"name":"n1","host_ids":["host-1"]}]}}""";

    private static TestServer server;
    private static final List<String> STORED = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
    }

    @AfterAll
    static void removeStoredDatabases() {
        STORED.forEach(id -> server.bean(DatabaseStore.class).deleteDatabase(id));
    }

    // ---- one row per validation rule (the spec rule table), now through the API

    /**
     * Name, body, the error name and message a request gets, and the row's path. A row that sets a field
     * nothing acts on yet is refused as {@code operation_not_supported} with the messages of its
     * {@code refusedAs} (one per line, as pgEdge joins them).
     */
    static Stream<Arguments> ruleRows() {
        JsonNode table = resource("spec-rules.json");
        JsonNode base = table.get("base");
        return StreamSupport.stream(table.get("rows").spliterator(), false).map(row -> {
            String message = row.get("path").asText() + ": " + row.get("reason").asText();
            List<String> refusedAs = new ArrayList<>();
            row.path("refusedAs").forEach(m -> refusedAs.add(m.asText()));
            boolean notSupported = !refusedAs.isEmpty() || message.startsWith("spec.services:");
            return Arguments.of(row.get("name").asText(), mergePatch(base, row.get("patch")),
                    notSupported ? "operation_not_supported" : "invalid_input",
                    refusedAs.isEmpty() ? message : String.join("\n", refusedAs), row.get("path").asText());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ruleRows")
    void createViolatingARuleIsRefusedWithItsPathAndReason(String rule, JsonNode body, String name, String message,
                                                           String path) {
        Http.Response r = create(body.toString());

        assertError(r, 400, name);
        assertThat(r.json().path("message").asText()).isEqualTo(message);
    }

    /**
     * The same bodies sent to update a database that does not exist: every rule of the spec is checked
     * before the lookup. The one row about the request's {@code id} shows that an update ignores an
     * {@code id} (as pgEdge ignores fields it does not know): that request passes validation and finds
     * no database.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ruleRows")
    void updateViolatingARuleIsRefusedBeforeTheDatabaseIsLookedUp(String rule, JsonNode body, String name,
                                                                 String message, String path) {
        Http.Response r = Http.post(server.url("/v1/databases/no-such-db-" + suffix()), body.toString());

        if (path.equals("id")) {
            assertError(r, 404, "not_found");
            assertThat(r.json().path("message").asText()).isEqualTo("no database found with the given ID");
        } else {
            assertError(r, 400, name);
            assertThat(r.json().path("message").asText()).isEqualTo(message);
        }
    }

    // ---- bodies that are not a create request at all

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                Arguments.of("not JSON", "{nodes:", "the request body is missing or is not valid JSON"),
                Arguments.of("truncated JSON", "{\"spec\": {\"database_name\": \"a\"", "the request body is missing or is not valid JSON"),
                Arguments.of("empty body", "", null),
                Arguments.of("JSON null", "null", null),
                Arguments.of("JSON array", "[]", null),
                Arguments.of("JSON string", "\"storefront\"", null),
                Arguments.of("JSON number", "42", null),
                Arguments.of("empty object", "{}", "spec: is required"),
                Arguments.of("spec null", "{\"spec\":null}", "spec: is required"),
                Arguments.of("spec not an object", "{\"spec\":[]}", null),
                // ignored like pgEdge does: validation goes on and finds the host missing
                Arguments.of("unknown top-level field", "{\"spec\":{\"database_name\":\"a\",\"nodes\":[{\"name\":\"n1\","
                        + "\"host_ids\":[\"host-1\"]}]},\"color\":\"red\"}", "got invalid host ids: host-1"),
                Arguments.of("unknown field inside spec", "{\"spec\":{\"database_name\":\"a\",\"nodes\":[{\"name\":"
                        + "\"n1\",\"host_ids\":[\"host-1\"]}],\"colour\":\"red\"}}", "spec.colour: unknown field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void malformedCreateBodyIsInvalidInput(String what, String body, String message) {
        Http.Response r = create(body);

        assertError(r, 400, "invalid_input");
        if (message != null) {
            assertThat(r.json().path("message").asText()).isEqualTo(message);
        }
    }

    @Test
    void createWithoutJsonContentTypeIsInvalidInput() {
        Http.Response r = Http.raw("POST", server.url("/v1/databases"), "text/plain", VALID_ON_UNKNOWN_HOSTS);

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText())
                .isEqualTo("the request body must be JSON (Content-Type: application/json)");
    }

    // ---- wrong JSON types and out-of-range numbers at many paths

    static Stream<Arguments> wrongValues() {
        return Stream.of(
                Arguments.of("{\"id\":5}", "id: "),
                Arguments.of("{\"tenant_id\":true}", "tenant_id: "),
                Arguments.of("{\"spec\":{\"database_name\":7}}", "spec.database_name: "),
                Arguments.of("{\"spec\":{\"postgres_version\":17.6}}", "spec.postgres_version: "),
                Arguments.of("{\"spec\":{\"nodes\":{}}}", "spec.nodes: "),
                Arguments.of("{\"spec\":{\"nodes\":[\"n1\"]}}", "spec.nodes[0]: "),
                Arguments.of("{\"spec\":{\"nodes\":[{\"name\":1,\"host_ids\":[\"host-1\"]}]}}", "spec.nodes[0].name: "),
                Arguments.of("{\"spec\":{\"port\":5432.5}}", "spec.port: "),
                Arguments.of("{\"spec\":{\"port\":-1}}", "spec.port: "),
                Arguments.of("{\"spec\":{\"port\":99999999999999999999999}}", "spec.port: "),
                Arguments.of("{\"spec\":{\"port\":1e300}}", "spec.port: "),
                Arguments.of("{\"spec\":{\"patroni_port\":4294967296}}", "spec.patroni_port: "),
                Arguments.of("{\"spec\":{\"cpus\":2}}", "spec.cpus: "),
                Arguments.of("{\"spec\":{\"memory\":[]}}", "spec.memory: "),
                Arguments.of("{\"spec\":{\"database_users\":{}}}", "spec.database_users: "),
                Arguments.of("{\"spec\":{\"database_users\":[{\"username\":[]}]}}", "spec.database_users[0].username: "),
                Arguments.of("{\"spec\":{\"postgresql_conf\":[]}}", "spec.postgresql_conf: "),
                Arguments.of("{\"spec\":{\"pg_hba_conf\":\"host all all 0.0.0.0/0 md5\"}}", "spec.pg_hba_conf: "),
                Arguments.of("{\"spec\":{\"pg_ident_conf\":[1]}}", "spec.pg_ident_conf[0]: "),
                Arguments.of("{\"spec\":{\"scripts\":{\"post_init\":\"SELECT 1\"}}}", "spec.scripts.post_init: "),
                Arguments.of("{\"spec\":{\"orchestrator_opts\":{\"swarm\":{\"image\":5}}}}",
                        "spec.orchestrator_opts.swarm.image: "),
                Arguments.of("{\"spec\":{\"orchestrator_opts\":{\"swarm\":{\"extra_labels\":{\"a\":1}}}}}",
                        "spec.orchestrator_opts.swarm.extra_labels"),
                Arguments.of("{\"spec\":{\"backup_config\":{\"repositories\":[{\"type\":\"s3\",\"s3_bucket\":\"abc\","
                        + "\"retention_full\":99999999999999999999}]}}}", "spec.backup_config.repositories[0].retention_full: "),
                Arguments.of("{\"spec\":{\"restore_config\":\"yesterday\"}}", "spec.restore_config: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongValues")
    void wrongTypeOrHugeNumberIsInvalidInputAtItsPath(String patch, String messagePrefix) {
        Http.Response r = create(mergePatch(json(VALID_ON_UNKNOWN_HOSTS), json(patch)).toString());

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).startsWith(messagePrefix);
    }

    // ---- rules that need the cluster: hosts and the image manifest

    @Test
    void createOnHostsTheClusterDoesNotHaveIsRefused() {
        Http.Response r = create("""
                {"spec":{"database_name":"app","nodes":[{"name":"n1","host_ids":["host-9","host-1"]},
                  {"name":"n2","host_ids":["test-host"]}]}}""");

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).isEqualTo("got invalid host ids: host-1, host-9");
    }

    @Test
    void aPgEdgeSpecPreloadingSpockPassesEveryRuleUpToTheHosts() {
        // valid for pgEdge: only the hosts, which this cluster does not have, are refused
        Http.Response r = create("""
                {"id":"pgedge-style","spec":{"database_name":"app","spock_version":"5",
                  "postgresql_conf":{"shared_preload_libraries":["pg_stat_statements","spock"]},
                  "nodes":[{"name":"n1","host_ids":["host-9"],"postgresql_conf":
                    {"shared_preload_libraries":"pg_stat_statements,spock"}}]}}""");

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).isEqualTo("got invalid host ids: host-9");
    }

    @Test
    void createWhoseServiceNameWouldExceedSixtyThreeCharactersIsRefused() {
        String id = "a".repeat(36);
        Http.Response r = create("""
                {"id":"%s","spec":{"database_name":"app","nodes":[{"name":"n123456789","host_ids":["host-9"]}]}}"""
                .formatted(id));

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).startsWith("nodes[0].name: the database id and node name are too long")
                .contains("would exceed 63 characters");
    }

    @Test
    void createOnAnUnreachableHostIsRefusedBeforeAnythingIsStored() {
        // a host record without a live status is what a lost host looks like
        io.controlplane.cluster.ClusterService cluster = server.bean(io.controlplane.cluster.ClusterService.class);
        cluster.store().put("/hosts/ghost-host", "{\"id\":\"ghost-host\",\"orchestrator\":\"swarm\","
                + "\"peer_addresses\":[\"127.0.0.1\"],\"client_addresses\":[\"127.0.0.1\"]}");
        try {
            Http.Response r = create("""
                    {"id":"on-ghost","spec":{"database_name":"app",
                      "nodes":[{"name":"n1","host_ids":["test-host","ghost-host"]}]}}""");

            assertError(r, 400, "invalid_input");
            assertThat(r.json().path("message").asText()).startsWith("hosts are unreachable: ghost-host");
            assertThat(server.bean(DatabaseStore.class).record("on-ghost")).isEmpty();
        } finally {
            cluster.store().delete("/hosts/ghost-host");
        }
    }

    @Test
    void createWithAPostgresVersionTheManifestDoesNotOfferIsRefused() {
        Http.Response r = create("""
                {"spec":{"database_name":"app","postgres_version":"99.1",
                  "nodes":[{"name":"n1","host_ids":["test-host"]}]}}""");

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).startsWith(
                "host test-host does not support version combination: postgres=99.1 (offered: ");
    }

    @Test
    void nodeLevelPostgresVersionIsCheckedToo() {
        Http.Response r = create("""
                {"spec":{"database_name":"app","nodes":[{"name":"n1","host_ids":["test-host"],"postgres_version":"98.1"}]}}""");

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText())
                .startsWith("host test-host does not support version combination: postgres=98.1");
    }

    // ---- path and query parameters

    @Test
    void badDatabaseIdInThePathIsInvalidInputOnEveryMethod() {
        String expected = "database_id: valid IDs must be 1-36 characters long, contain only lowercase letters, "
                + "digits, and hyphens, start and end with a letter or digit, and not contain two consecutive hyphens";
        for (String id : List.of("Bad_Id", "a--b", "-a", "x".repeat(37))) {
            String url = server.url("/v1/databases/" + id);
            for (Http.Response r : List.of(Http.get(url), Http.post(url, VALID_ON_UNKNOWN_HOSTS), Http.delete(url))) {
                assertError(r, 400, "invalid_input");
                assertThat(r.json().path("message").asText()).as(id).isEqualTo(expected);
            }
        }
    }

    @Test
    void badRemoveHostParameterIsInvalidInput() {
        Http.Response r = Http.post(server.url("/v1/databases/whatever?remove_host=Not_A_Host"), VALID_ON_UNKNOWN_HOSTS
                .replace("\"id\":\"bad-input\",", ""));

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).startsWith("remove_host: valid IDs must be");
    }

    @Test
    void forceUpdateThatIsNotABooleanIsInvalidInput() {
        Http.Response r = Http.post(server.url("/v1/databases/whatever?force_update=maybe"), "{}");

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).isEqualTo("force_update: invalid value \"maybe\"");
    }

    // ---- databases that do not exist or cannot change now

    @Test
    void getOfAMissingDatabaseIsNotFound() {
        assertError(Http.get(server.url("/v1/databases/missing-" + suffix())), 404, "not_found");
    }

    @Test
    void updateOfAMissingDatabaseIsNotFound() {
        Http.Response r = Http.post(server.url("/v1/databases/missing-" + suffix()), """
                {"spec":{"database_name":"app","nodes":[{"name":"n1","host_ids":["test-host"]}]}}""");

        assertError(r, 404, "not_found");
        assertThat(r.json().path("message").asText()).isEqualTo("no database found with the given ID");
    }

    @Test
    void deleteOfAMissingDatabaseIsNotFound() {
        Http.Response r = Http.delete(server.url("/v1/databases/missing-" + suffix()));

        assertError(r, 404, "not_found");
        assertThat(r.json().path("message").asText()).isEqualTo("no database found with the given ID");
    }

    @Test
    void createWithTheIdOfAnExistingDatabaseIsAConflict() {
        String id = storedDatabase(DatabaseState.AVAILABLE);
        int tasksBefore = tasksOf(id);

        Http.Response r = create("{\"id\":\"" + id + "\",\"spec\":{\"database_name\":\"other\","
                + "\"nodes\":[{\"name\":\"n1\",\"host_ids\":[\"test-host\"]}]}}");

        assertError(r, 409, "database_already_exists");
        assertThat(r.json().path("message").asText()).isEqualTo("a database already exists with the given ID");
        assertThat(server.bean(DatabaseStore.class).spec(id).orElseThrow().databaseName()).isEqualTo("app");
        assertThat(tasksOf(id)).isEqualTo(tasksBefore);
    }

    @Test
    void updateOfADatabaseThatIsStillBeingCreatedIsNotModifiable() {
        String id = storedDatabase(DatabaseState.CREATING);

        Http.Response r = Http.post(server.url("/v1/databases/" + id), """
                {"spec":{"database_name":"app","nodes":[{"name":"n1","host_ids":["test-host"]}],
                  "postgresql_conf":{"work_mem":"64MB"}}}""");

        assertError(r, 409, "database_not_modifiable");
        assertThat(r.json().path("message").asText()).isEqualTo("the target database is not modifiable in its current state");
        assertThat(server.bean(DatabaseStore.class).record(id).orElseThrow().state()).isEqualTo(DatabaseState.CREATING);
        assertThat(server.bean(DatabaseStore.class).spec(id).orElseThrow().postgresqlConf()).isEmpty();
        assertThat(tasksOf(id)).isZero();
    }

    @Test
    void deleteWithoutForceOfADatabaseBeingDeletedIsNotModifiable() {
        String id = storedDatabase(DatabaseState.DELETING);

        assertError(Http.delete(server.url("/v1/databases/" + id)), 409, "database_not_modifiable");
        assertThat(tasksOf(id)).isZero();
    }

    @Test
    void updateThatChangesTheDatabaseNameIsRefusedBeforeTheStateIsChecked() {
        String id = storedDatabase(DatabaseState.CREATING);

        Http.Response r = Http.post(server.url("/v1/databases/" + id), """
                {"spec":{"database_name":"renamed","nodes":[{"name":"n1","host_ids":["test-host"]}]}}""");

        assertError(r, 400, "invalid_input");
        assertThat(r.json().path("message").asText()).contains("database name cannot be changed");
    }

    // ---- fuzz: every field of a valid request replaced by a value of every other JSON type

    @Test
    void noReplacedFieldOfACreateEverMakesTheServerFail() {
        JsonNode valid = resource("valid-full-spec.json");
        List<String> failures = new ArrayList<>();
        int[] sent = {0};
        forEachMutation(valid, (where, body) -> {
            sent[0]++;
            Http.Response r = create(body.toString());
            String problem = problemWith(r, 400);
            if (problem != null) {
                failures.add(where + " → " + problem);
            }
        });

        assertThat(sent[0]).isGreaterThan(300);
        assertThat(failures).isEmpty();
    }

    @Test
    void noReplacedFieldOfAnUpdateEverMakesTheServerFail() {
        ObjectNode valid = (ObjectNode) resource("valid-full-spec.json");
        valid.remove("id");
        String url = server.url("/v1/databases/missing-" + suffix());
        List<String> failures = new ArrayList<>();
        forEachMutation(valid, (where, body) -> {
            Http.Response r = Http.post(url, body.toString());
            String problem = r.status() == 404 ? problemWith(r, 404) : problemWith(r, 400);
            if (problem != null) {
                failures.add(where + " → " + problem);
            }
        });

        assertThat(failures).isEmpty();
    }

    /** Null when the answer is the expected status with exactly {@code {"name","message"}} as strings. */
    private static String problemWith(Http.Response r, int status) {
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            return r.status() + " not JSON: " + r.body();
        }
        if (r.status() != status || body == null || !body.isObject() || body.size() != 2
                || !body.path("name").isTextual() || !body.path("message").isTextual()
                || body.path("message").asText().isBlank()) {
            return r.status() + " " + r.body();
        }
        return null;
    }

    private static final List<JsonNode> EVERY_TYPE = List.of(
            JsonNodeFactory.instance.nullNode(),
            JsonNodeFactory.instance.numberNode(-1),
            JsonNodeFactory.instance.numberNode(new java.math.BigInteger("123456789012345678901234567890")),
            JsonNodeFactory.instance.textNode("x"),
            JsonNodeFactory.instance.booleanNode(true),
            JsonNodeFactory.instance.arrayNode().add("x"),
            JsonNodeFactory.instance.objectNode().put("x", 1));

    /** Calls {@code send} with copies of {@code root} where one value (at any depth) is replaced. */
    private static void forEachMutation(JsonNode root, java.util.function.BiConsumer<String, JsonNode> send) {
        List<List<Object>> paths = new ArrayList<>();
        collectPaths(root, new ArrayList<>(), paths);
        for (List<Object> path : paths) {
            JsonNode original = at(root, path);
            for (JsonNode replacement : EVERY_TYPE) {
                if (replacement.getNodeType() == original.getNodeType()
                        && !(replacement.isNumber() && original.isNumber())) {
                    continue;
                }
                JsonNode copy = root.deepCopy();
                replace(copy, path, replacement);
                send.accept(path + " = " + replacement, copy);
            }
        }
    }

    private static void collectPaths(JsonNode node, List<Object> path, List<List<Object>> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                List<Object> p = new ArrayList<>(path);
                p.add(e.getKey());
                out.add(p);
                collectPaths(e.getValue(), p, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(path);
                p.add(i);
                out.add(p);
                collectPaths(node.get(i), p, out);
            }
        }
    }

    private static JsonNode at(JsonNode root, List<Object> path) {
        JsonNode n = root;
        for (Object step : path) {
            n = step instanceof Integer i ? n.get(i) : n.get((String) step);
        }
        return n;
    }

    private static void replace(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer i) {
            ((ArrayNode) parent).set(i, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
    }

    // ---- helpers

    private static Http.Response create(String body) {
        return Http.raw("POST", server.url("/v1/databases"), "application/json", body);
    }

    private static void assertError(Http.Response r, int status, String name) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode body = r.json();
        assertThat(body.path("name").asText()).as(r.body()).isEqualTo(name);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(iterableFieldNames(body)).containsExactlyInAnyOrder("name", "message");
    }

    private static List<String> iterableFieldNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A database written straight into the store (no process), on the cluster's only host. */
    private static String storedDatabase(DatabaseState state) {
        String id = "stored-" + suffix();
        DatabaseSpec spec = new SpecParser().parseSpec(json("""
                {"database_name":"app","nodes":[{"name":"n1","host_ids":["test-host"]}]}""")).value().orElseThrow()
                .withPostgresVersion(server.bean(ImageManifest.class).defaultPostgresVersion());
        Instant now = Instant.now();
        assertThat(server.bean(DatabaseStore.class).create(new DatabaseRecord(id, null, state, now, now, null), spec))
                .isTrue();
        STORED.add(id);
        return id;
    }

    private static int tasksOf(String databaseId) {
        return Http.get(server.url("/v1/databases/" + databaseId + "/tasks")).json().path("tasks").size();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonNode resource(String name) {
        try (InputStream in = DatabaseBadInputTest.class.getResourceAsStream(SPEC_FIXTURES + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RFC 7396 merge patch: objects merge, null removes, anything else replaces. */
    private static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target.deepCopy()
                : JSON.createObjectNode();
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        });
        return result;
    }
}
