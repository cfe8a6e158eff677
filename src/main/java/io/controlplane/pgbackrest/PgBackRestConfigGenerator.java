package io.controlplane.pgbackrest;

import java.util.Map;
import java.util.TreeMap;

/**
 * Renders an instance's {@code pgbackrest.backup.conf} or {@code pgbackrest.restore.conf} (reference
 * §6.4). Pure: the same config gives the same bytes, so the file on disk and golden files compare.
 */
public final class PgBackRestConfigGenerator {

    public String render(PgBackRestConfig cfg) {
        StringBuilder out = new StringBuilder();
        out.append("# Written by the control plane for instance ").append(cfg.instanceId())
                .append("; changes are overwritten.\n");
        out.append("[global]\n");
        Map<String, String> global = new TreeMap<>();
        global.put("start-fast", "y");
        global.put("log-level-console", "info");
        // the control plane streams console output into the task log; archive-push would fill a file log
        global.put("log-level-file", "off");
        global.put("lock-path", cfg.lockPath());
        global.forEach((k, v) -> line(out, k, v));
        for (int i = 0; i < cfg.repositories().size(); i++) {
            PgBackRestConfig.Repository repo = cfg.repositories().get(i);
            String prefix = "repo" + (i + 1) + "-";
            Map<String, String> options = new TreeMap<>();
            options.put("type", repo.type());
            options.put("path", repo.path());
            options.putAll(repo.options());
            out.append('\n');
            if (!repo.id().isEmpty()) {
                out.append("# repository ").append(repo.id()).append('\n');
            }
            options.forEach((k, v) -> line(out, prefix + k, v));
        }
        PgBackRestConfig.Stanza stanza = cfg.stanza();
        out.append('\n').append('[').append(PgBackRestConfig.STANZA).append("]\n");
        line(out, "pg1-path", stanza.pgPath());
        line(out, "pg1-port", String.valueOf(stanza.port()));
        line(out, "pg1-socket-path", stanza.socketPath());
        line(out, "pg1-user", stanza.user());
        return out.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            // a line break would start a new option: the spec rules refuse such values before they get here
            throw new IllegalArgumentException("pgBackRest option " + key + " contains a line break");
        }
        out.append(key).append('=').append(value).append('\n');
    }
}
