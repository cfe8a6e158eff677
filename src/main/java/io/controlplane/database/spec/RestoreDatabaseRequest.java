package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The body of an in-place restore, {@code POST /v1/databases/{id}/restore} (reference §2.2 #21):
 * where to restore from and which nodes; no nodes means all of them.
 */
public record RestoreDatabaseRequest(RestoreConfigSpec restoreConfig, List<String> targetNodes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RestoreDatabaseRequest {
        Objects.requireNonNull(restoreConfig, "restoreConfig");
        targetNodes = Collections2.list(targetNodes);
    }

    /** Field paths as in the request ({@code restore_config.repository.type}); unknown top-level fields are ignored. */
    public static ParseResult<RestoreDatabaseRequest> parse(JsonNode body) {
        JsonFields f = new JsonFields();
        RestoreDatabaseRequest request = null;
        if (f.object(body, FieldPath.ROOT)) {
            RestoreConfigSpec config = f.requiredNested(body, "restore_config", FieldPath.ROOT,
                    (n, p) -> SpecParser.restoreConfig(f, n, p));
            List<String> nodes = f.stringList(body, "target_nodes", FieldPath.ROOT);
            request = config == null ? null : new RestoreDatabaseRequest(config, nodes);
        }
        return new ParseResult<>(request, f.errors());
    }

    /** The restore config as JSON with its secrets, for etcd only. */
    public static String storedJson(RestoreConfigSpec config) {
        return SpecJsonWriter.restoreConfig(config).toString();
    }

    /** The inverse of {@link #storedJson}. */
    public static RestoreConfigSpec fromStoredJson(String json) {
        JsonFields f = new JsonFields();
        RestoreConfigSpec config;
        try {
            config = SpecParser.restoreConfig(f, JSON.readTree(json), FieldPath.of("restore_config"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        if (config == null || !f.errors().isEmpty()) {
            throw new IllegalStateException("stored restore config does not parse: " + f.errors());
        }
        return config;
    }

    @Override
    public String toString() {
        return "RestoreDatabaseRequest[" + restoreConfig.sourceDatabaseId() + "/" + restoreConfig.sourceNodeName()
                + " " + restoreConfig.repository() + " -> " + targetNodes + "]";
    }
}
