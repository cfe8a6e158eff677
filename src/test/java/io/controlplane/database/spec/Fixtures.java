package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.database.spec.validation.SpecValidator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Test helpers: fixtures, JSON merge patch, and the parse-then-validate pipeline the API runs. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static JsonNode resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CreateDatabaseRequest parseCreate(JsonNode body) {
        ParseResult<CreateDatabaseRequest> result = new SpecParser().parseCreate(body);
        if (!result.ok()) {
            throw new AssertionError("unexpected parse errors: " + result.errors());
        }
        return result.value().orElseThrow();
    }

    static DatabaseSpec spec(String specJson) {
        ParseResult<DatabaseSpec> result = new SpecParser().parseSpec(json(specJson));
        if (!result.ok()) {
            throw new AssertionError("unexpected parse errors: " + result.errors());
        }
        return result.value().orElseThrow();
    }

    /** What the create endpoint reports: shape errors if any, else validation errors. */
    static List<FieldError> createErrors(JsonNode body) {
        ParseResult<CreateDatabaseRequest> parsed = new SpecParser().parseCreate(body);
        if (!parsed.ok()) {
            return parsed.errors();
        }
        return new SpecValidator().validate(parsed.value().orElseThrow());
    }

    /** RFC 7396 merge patch: objects merge, null removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target.deepCopy()
                : JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
