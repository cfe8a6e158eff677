package io.controlplane.delegates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.common.PermanentException;
import io.controlplane.database.operation.NodeBackups;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * "Run pgBackRest backup" on the primary found before (on this host): every output line goes to the task
 * log as pgBackRest writes it. Sets {@code primaryMoved} when the instance is no longer the primary.
 */
@Component
class RunPgBackRestBackupDelegate implements StepHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeBackups backups;

    RunPgBackRestBackupDelegate(NodeBackups backups) {
        this.backups = backups;
    }

    @Override
    public String name() {
        return HandlerNames.RUN_PGBACKREST_BACKUP;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String node = context.nodeName();
        String instance = context.requireString(ProcessVariables.PRIMARY_INSTANCE);
        Map<String, String> annotations = object(context, ProcessVariables.BACKUP_ANNOTATIONS);
        String schedule = context.variable(ProcessVariables.BACKUP_SCHEDULE).map(Object::toString).orElse("");
        if (!schedule.isEmpty()) {
            annotations.put(NodeBackups.SCHEDULE_ANNOTATION, schedule);
        }
        Map<String, ?> fields = Map.of("node_name", node, "instance_id", instance);
        NodeBackups.BackupOutcome outcome = backups.backup(context.databaseId(), node, instance, context.taskId(),
                context.requireString(ProcessVariables.BACKUP_TYPE), annotations,
                object(context, ProcessVariables.BACKUP_OPTIONS), line -> context.log(line, fields));
        context.log(outcome.message(), fields);
        return Map.of(ProcessVariables.PRIMARY_MOVED, outcome.primaryMoved());
    }

    private static Map<String, String> object(StepContext context, String name) {
        String json = context.variable(name).map(Object::toString).orElse("");
        Map<String, String> out = new LinkedHashMap<>();
        if (json.isBlank()) {
            return out;
        }
        try {
            JsonNode node = JSON.readTree(json);
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        } catch (Exception e) {
            throw new PermanentException("variable " + name + " is not a JSON object: fix it in Cockpit and retry");
        }
        return out;
    }
}
