package io.controlplane.database.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.pgbackrest.BackupInfo;
import io.controlplane.pgbackrest.BackupSet;
import java.time.format.DateTimeFormatter;

/**
 * The answer of {@code GET /v1/databases/{id}/nodes/{node}/backups}: the stanza's status and its sets,
 * oldest first, as {@code pgbackrest info --output=json} reports them, in the API's snake_case.
 */
final class BackupSetsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BackupSetsJson() {
    }

    static JsonNode of(BackupInfo info) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("status").put("code", info.statusCode()).put("message", info.statusMessage());
        ArrayNode sets = root.putArray("backups");
        for (BackupSet b : info.backups()) {
            ObjectNode o = sets.addObject();
            o.put("label", b.label());
            o.put("type", b.type());
            o.put("repository", b.repositoryKey());
            if (b.prior().isPresent()) {
                o.put("prior", b.prior().get());
            }
            ArrayNode refs = o.putArray("references");
            b.references().forEach(refs::add);
            o.put("start_time", DateTimeFormatter.ISO_INSTANT.format(b.startTime()));
            o.put("stop_time", DateTimeFormatter.ISO_INSTANT.format(b.stopTime()));
            o.put("size", b.size());
            o.put("delta", b.delta());
            o.put("repository_size", b.repositorySize());
            o.put("repository_delta", b.repositoryDelta());
            ObjectNode wal = o.putObject("wal");
            wal.put("start", b.walStart());
            wal.put("stop", b.walStop());
            ObjectNode lsn = o.putObject("lsn");
            lsn.put("start", b.lsnStart());
            lsn.put("stop", b.lsnStop());
            ObjectNode annotations = o.putObject("annotations");
            b.annotations().forEach(annotations::put);
            o.put("error", b.error());
        }
        return root;
    }
}
