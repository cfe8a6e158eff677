package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads typed fields out of untrusted JSON, recording a path-qualified error instead of throwing,
 * so one request reports every shape problem at once. JSON null counts as absent, as in pgEdge.
 */
final class JsonFields {

    static final String REQUIRED = "is required";
    static final String UNKNOWN = "unknown field";
    static final String NOT_OBJECT = "must be an object";
    static final String NOT_STRING = "must be a string";
    static final String NOT_BOOLEAN = "must be a boolean";
    static final String NOT_INTEGER = "must be an integer";
    static final String NOT_PORT = "must be an integer between 0 and 65535";
    static final String NOT_STRING_ARRAY = "must be an array of strings";
    static final String NOT_OBJECT_ARRAY = "must be an array of objects";
    static final String NOT_STRING_MAP = "must be an object with string values";
    static final String NOT_CONF_VALUE = "must be a string, number, boolean or array of strings";

    private final List<FieldError> errors = new ArrayList<>();

    List<FieldError> errors() {
        return errors;
    }

    void error(FieldPath path, String reason) {
        errors.add(FieldError.invalid(path, reason));
    }

    void add(FieldError error) {
        errors.add(error);
    }

    /** Checks the node is an object; fields it does not know are ignored (pgEdge ignores them). */
    boolean object(JsonNode node, FieldPath path) {
        if (node == null || !node.isObject()) {
            error(path, NOT_OBJECT);
            return false;
        }
        return true;
    }

    /** Checks the node is an object and reports fields it does not know. False when not an object. */
    boolean object(JsonNode node, FieldPath path, Set<String> known) {
        if (node == null || !node.isObject()) {
            error(path, NOT_OBJECT);
            return false;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                error(path.field(name), UNKNOWN);
            }
        }
        return true;
    }

    static JsonNode present(JsonNode obj, String name) {
        JsonNode v = obj.get(name);
        return v == null || v.isNull() ? null : v;
    }

    String string(JsonNode obj, String name, FieldPath path) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            error(path.field(name), NOT_STRING);
            return null;
        }
        return v.textValue();
    }

    /** A required string; "" stands in when missing so records stay null-free, the error is recorded. */
    String requiredString(JsonNode obj, String name, FieldPath path) {
        if (present(obj, name) == null) {
            error(path.field(name), REQUIRED);
            return "";
        }
        String s = string(obj, name, path);
        return s == null ? "" : s;
    }

    boolean bool(JsonNode obj, String name, FieldPath path) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            error(path.field(name), NOT_BOOLEAN);
            return false;
        }
        return v.booleanValue();
    }

    Integer port(JsonNode obj, String name, FieldPath path) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() > 65535) {
            error(path.field(name), NOT_PORT);
            return null;
        }
        return v.intValue();
    }

    Integer integer(JsonNode obj, String name, FieldPath path) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            error(path.field(name), NOT_INTEGER);
            return null;
        }
        return v.intValue();
    }

    List<String> stringList(JsonNode obj, String name, FieldPath path) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return List.of();
        }
        FieldPath p = path.field(name);
        if (!v.isArray()) {
            error(p, NOT_STRING_ARRAY);
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (e.isTextual()) {
                out.add(e.textValue());
            } else {
                error(p.index(i), NOT_STRING);
            }
        }
        return out;
    }

    /** A required, present array of strings (empty arrays are left to validation). */
    List<String> requiredStringList(JsonNode obj, String name, FieldPath path) {
        if (present(obj, name) == null) {
            error(path.field(name), REQUIRED);
            return List.of();
        }
        return stringList(obj, name, path);
    }

    Map<String, String> stringMap(JsonNode obj, String name, FieldPath path) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return Map.of();
        }
        FieldPath p = path.field(name);
        if (!v.isObject()) {
            error(p, NOT_STRING_MAP);
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().textValue());
            } else {
                error(p.key(e.getKey()), NOT_STRING);
            }
        });
        return out;
    }

    Map<String, ConfValue> confMap(JsonNode obj, String name, FieldPath path) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return Map.of();
        }
        FieldPath p = path.field(name);
        if (!v.isObject()) {
            error(p, NOT_OBJECT);
            return Map.of();
        }
        Map<String, ConfValue> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            JsonNode val = e.getValue();
            if (val.isTextual()) {
                out.put(e.getKey(), new ConfValue.Text(val.textValue()));
            } else if (val.isNumber()) {
                out.put(e.getKey(), new ConfValue.Number(val.decimalValue()));
            } else if (val.isBoolean()) {
                out.put(e.getKey(), new ConfValue.Bool(val.booleanValue()));
            } else if (val.isArray()) {
                List<String> items = new ArrayList<>();
                for (int i = 0; i < val.size(); i++) {
                    if (val.get(i).isTextual()) {
                        items.add(val.get(i).textValue());
                    } else {
                        error(p.key(e.getKey()).index(i), NOT_STRING);
                    }
                }
                out.put(e.getKey(), new ConfValue.Items(items));
            } else {
                error(p.key(e.getKey()), NOT_CONF_VALUE);
            }
        });
        return out;
    }

    /** Parses a nested object with {@code reader}, or returns null when absent or not an object. */
    <T> T nested(JsonNode obj, String name, FieldPath path, BiFunction<JsonNode, FieldPath, T> reader) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return null;
        }
        return reader.apply(v, path.field(name));
    }

    <T> T requiredNested(JsonNode obj, String name, FieldPath path, BiFunction<JsonNode, FieldPath, T> reader) {
        if (present(obj, name) == null) {
            error(path.field(name), REQUIRED);
            return null;
        }
        return nested(obj, name, path, reader);
    }

    /** Reads an array of objects; elements the reader cannot build (it returns null) are skipped. */
    <T> List<T> objectList(JsonNode obj, String name, FieldPath path, BiFunction<JsonNode, FieldPath, T> reader) {
        JsonNode v = present(obj, name);
        if (v == null) {
            return List.of();
        }
        FieldPath p = path.field(name);
        if (!v.isArray()) {
            error(p, NOT_OBJECT_ARRAY);
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            T item = reader.apply(v.get(i), p.index(i));
            if (item != null) {
                out.add(item);
            }
        }
        return out;
    }

    <T> List<T> requiredObjectList(JsonNode obj, String name, FieldPath path,
            BiFunction<JsonNode, FieldPath, T> reader) {
        if (present(obj, name) == null) {
            error(path.field(name), REQUIRED);
            return List.of();
        }
        return objectList(obj, name, path, reader);
    }
}
