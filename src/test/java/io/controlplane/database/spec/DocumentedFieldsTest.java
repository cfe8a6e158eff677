package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field pgEdge's OpenAPI document defines for the create and update bodies is known to our
 * parser: a body that sets every one of them, at every depth, gets no "unknown field" error. (What we
 * cannot act on yet is refused as not supported by validation, never as unknown.)
 */
class DocumentedFieldsTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonNode DOCUMENT = Fixtures.resource("/pgedge-api/openapi3.json");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/v1/databases,create", "/v1/databases/{database_id},update"})
    void aBodyWithEveryDocumentedFieldHasNoUnknownField(String path, String operation) {
        JsonNode schema = DOCUMENT.path("paths").path(path).path("post").path("requestBody").path("content")
                .path("application/json").path("schema");
        List<String> fields = new ArrayList<>();
        JsonNode body = instance(schema, "", fields);
        SpecParser parser = new SpecParser();
        Function<JsonNode, List<FieldError>> parse = operation.equals("create")
                ? b -> parser.parseCreate(b).errors() : b -> parser.parseUpdate(b).errors();

        List<FieldError> errors = parse.apply(body);

        assertThat(fields).as("documented fields set in the body").hasSizeGreaterThan(80)
                .contains("spec.nodes[].source_node", "spec.backup_config.repositories[].s3_key_secret",
                        "spec.orchestrator_opts.swarm.extra_networks[].driver_opts", "spec.services[].config");
        assertThat(errors).as(body.toPrettyString()).filteredOn(e -> e.reason().equals(JsonFields.UNKNOWN))
                .isEmpty();
    }

    /** A value for the schema that sets every property it defines, recursively. */
    private static JsonNode instance(JsonNode schema, String path, List<String> fields) {
        JsonNode s = resolve(schema);
        if (s.has("enum")) {
            return s.get("enum").get(0).deepCopy();
        }
        switch (s.path("type").asText("object")) {
            case "object" -> {
                ObjectNode o = NODES.objectNode();
                s.path("properties").fields().forEachRemaining(p -> {
                    String child = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
                    fields.add(child);
                    o.set(p.getKey(), instance(p.getValue(), child, fields));
                });
                JsonNode extra = s.path("additionalProperties");
                if (!s.has("properties") && extra.isObject()) {
                    o.set("key", instance(extra, path + "[key]", fields));
                }
                return o;
            }
            case "array" -> {
                ArrayNode a = NODES.arrayNode();
                a.add(instance(s.path("items"), path + "[]", fields));
                return a;
            }
            case "integer", "number" -> {
                return NODES.numberNode(1);
            }
            case "boolean" -> {
                return NODES.booleanNode(true);
            }
            default -> {
                return NODES.textNode("x");
            }
        }
    }

    private static JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.isEmpty() ? schema : DOCUMENT.at(ref.substring(1));
    }
}
