package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.database.spec.validation.SpecValidator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Parsing must never throw for any JSON shape: it replaces one value of a valid spec at a time with
 * a value of another JSON type and checks that parsing (and validation, when parsing succeeds)
 * returns errors with a path instead of throwing.
 */
class SpecParserFuzzTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<JsonNode> WRONG_VALUES = List.of(F.nullNode(), F.booleanNode(true),
            F.numberNode(-1), F.numberNode(1.5), F.numberNode(Long.MAX_VALUE), F.textNode(""),
            F.textNode("x"), F.arrayNode(), F.arrayNode().add(F.objectNode()), F.objectNode(),
            F.objectNode().put("unexpected", 1));

    @Test
    void parsingNeverThrowsWhenAnyValueHasTheWrongType() {
        JsonNode valid = Fixtures.resource("valid-full-spec.json");
        List<JsonPointerPath> paths = new ArrayList<>();
        collect(valid, new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(100);

        int mutationsWithErrors = 0;
        for (JsonPointerPath path : paths) {
            for (JsonNode wrong : WRONG_VALUES) {
                JsonNode mutated = replace(valid, path, wrong);
                List<FieldError> errors = new ArrayList<>();
                assertThatCode(() -> errors.addAll(Fixtures.createErrors(mutated)))
                        .as("mutation %s -> %s", path, wrong).doesNotThrowAnyException();
                if (!errors.isEmpty()) {
                    mutationsWithErrors++;
                    assertThat(errors).allSatisfy(e -> assertThat(e.reason()).isNotBlank());
                }
            }
        }
        assertThat(mutationsWithErrors).isGreaterThan(paths.size());
    }

    @Test
    void wrongTypeOfAnyFieldIsReportedWithAPath() {
        JsonNode valid = Fixtures.resource("valid-full-spec.json");
        List<JsonPointerPath> paths = new ArrayList<>();
        collect(valid, new ArrayList<>(), paths);
        Random random = new Random(20260101L);
        for (int i = 0; i < 300; i++) {
            JsonPointerPath path = paths.get(random.nextInt(paths.size()));
            JsonNode current = path.get(valid);
            // An object is never a valid leaf value and an array never a valid object.
            JsonNode wrong = current.isObject() ? F.arrayNode().add(1) : F.objectNode().set("k", F.arrayNode());
            JsonNode mutated = replace(valid, path, wrong);

            ParseResult<CreateDatabaseRequest> result = new SpecParser().parseCreate(mutated);

            assertThat(result.errors()).as("mutation at %s", path).isNotEmpty()
                    .anySatisfy(e -> assertThat(e.path().isRoot()).isFalse());
        }
    }

    @Test
    void validatorNeverThrowsForArbitraryStrings() {
        Random random = new Random(7);
        String alphabet = "abcn019 -_;'\"$/*.,:#\\\n\tE@+";
        for (int i = 0; i < 500; i++) {
            String junk = randomString(random, alphabet, random.nextInt(40));
            ObjectNode spec = (ObjectNode) Fixtures.resource("valid-full-spec.json").get("spec").deepCopy();
            spec.put("cpus", junk).put("memory", junk).put("postgres_version", junk);
            spec.putArray("pg_hba_conf").add(junk);
            spec.putArray("pg_ident_conf").add(junk);
            spec.putObject("scripts").putArray("post_init").add(junk);
            ((ObjectNode) spec.get("backup_config").get("schedules").get(0)).put("cron_expression", junk);
            ParseResult<DatabaseSpec> parsed = new SpecParser().parseSpec(spec);

            assertThat(parsed.ok()).isTrue();
            assertThatCode(() -> new SpecValidator().validate(parsed.value().orElseThrow()))
                    .as("junk %s", junk).doesNotThrowAnyException();
        }
    }

    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** A location in a JSON tree: field names and array indexes. */
    record JsonPointerPath(List<Object> steps) {
        JsonNode get(JsonNode root) {
            JsonNode n = root;
            for (Object s : steps) {
                n = s instanceof Integer i ? n.get(i) : n.get((String) s);
            }
            return n;
        }
    }

    private static void collect(JsonNode node, List<Object> at, List<JsonPointerPath> out) {
        if (!at.isEmpty()) {
            out.add(new JsonPointerPath(List.copyOf(at)));
        }
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                at.add(name);
                collect(node.get(name), at, out);
                at.remove(at.size() - 1);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                at.add(i);
                collect(node.get(i), at, out);
                at.remove(at.size() - 1);
            }
        }
    }

    private static JsonNode replace(JsonNode root, JsonPointerPath path, JsonNode value) {
        JsonNode copy = root.deepCopy();
        JsonNode parent = copy;
        List<Object> steps = path.steps();
        for (int i = 0; i < steps.size() - 1; i++) {
            Object s = steps.get(i);
            parent = s instanceof Integer idx ? parent.get(idx) : parent.get((String) s);
        }
        Object last = steps.get(steps.size() - 1);
        if (last instanceof Integer idx) {
            ((ArrayNode) parent).set(idx, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
        return copy;
    }
}
