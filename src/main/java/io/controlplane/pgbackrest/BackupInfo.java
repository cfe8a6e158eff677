package io.controlplane.pgbackrest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code pgbackrest info --output=json} says about the stanza {@code db}: its status and its backup
 * sets, oldest first (pgBackRest's order).
 *
 * @param statusCode    0 = ok; 1 = missing stanza path; 2 = no valid backups; others are errors
 * @param archiveMinMax per archive id (e.g. {@code 15-1}), the oldest and newest WAL segment kept
 */
public record BackupInfo(int statusCode, String statusMessage, List<BackupSet> backups,
                         Map<String, List<String>> archiveMinMax) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public BackupInfo {
        backups = List.copyOf(backups);
        archiveMinMax = Map.copyOf(archiveMinMax);
    }

    /** Whether the stanza exists in every repository (backups or not). */
    public boolean stanzaExists() {
        return statusCode == 0 || statusCode == 2;
    }

    /** @throws IllegalArgumentException when the output is not pgBackRest's info JSON */
    public static BackupInfo parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("pgbackrest info did not answer JSON: " + e.getOriginalMessage());
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException("pgbackrest info did not answer a JSON array");
        }
        JsonNode stanza = null;
        for (JsonNode s : root) {
            if (PgBackRestConfig.STANZA.equals(s.path("name").asText())) {
                stanza = s;
            }
        }
        if (stanza == null) {
            return new BackupInfo(1, "missing stanza", List.of(), Map.of());
        }
        List<BackupSet> sets = new ArrayList<>();
        for (JsonNode b : stanza.path("backup")) {
            Map<String, String> annotations = new LinkedHashMap<>();
            b.path("annotation").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
            List<String> references = new ArrayList<>();
            b.path("reference").forEach(r -> references.add(r.asText()));
            sets.add(new BackupSet(
                    b.path("label").asText(),
                    b.path("type").asText(),
                    b.path("database").path("repo-key").asInt(1),
                    b.path("prior").isTextual() ? b.path("prior").asText() : null,
                    references,
                    Instant.ofEpochSecond(b.path("timestamp").path("start").asLong()),
                    Instant.ofEpochSecond(b.path("timestamp").path("stop").asLong()),
                    b.path("info").path("size").asLong(),
                    b.path("info").path("delta").asLong(),
                    b.path("info").path("repository").path("size").asLong(),
                    b.path("info").path("repository").path("delta").asLong(),
                    b.path("archive").path("start").asText(null),
                    b.path("archive").path("stop").asText(null),
                    b.path("lsn").path("start").asText(null),
                    b.path("lsn").path("stop").asText(null),
                    annotations,
                    b.path("error").asBoolean(false)));
        }
        Map<String, List<String>> archives = new LinkedHashMap<>();
        for (JsonNode a : stanza.path("archive")) {
            archives.put(a.path("id").asText(), List.of(a.path("min").asText(""), a.path("max").asText("")));
        }
        return new BackupInfo(stanza.path("status").path("code").asInt(99),
                stanza.path("status").path("message").asText(""), sets, archives);
    }
}
