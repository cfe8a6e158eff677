package io.controlplane.delegates;

import io.controlplane.database.operation.NodeBackups;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Create pgBackRest stanza": stanza-create and check on the node's primary (on this host); output to the log. */
@Component
class CreatePgBackRestStanzaDelegate implements StepHandler {

    private final NodeBackups backups;

    CreatePgBackRestStanzaDelegate(NodeBackups backups) {
        this.backups = backups;
    }

    @Override
    public String name() {
        return HandlerNames.CREATE_PGBACKREST_STANZA;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        String node = context.nodeName();
        String outcome = backups.createStanza(context.databaseId(), node, context.hostId(),
                line -> context.log(line, Map.of("node_name", node)));
        context.log(outcome, Map.of("node_name", node));
        return Map.of();
    }
}
