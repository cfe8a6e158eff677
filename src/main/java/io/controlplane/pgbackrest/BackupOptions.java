package io.controlplane.pgbackrest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of a backup request (reference §3.4 {@code BackupOptions}): a type pgBackRest knows,
 * annotations, and extra backup options by pgBackRest name. Options the control plane sets itself
 * (config file, stanza, paths) are refused: they would back up something else or break the stanza.
 */
public final class BackupOptions {

    public static final Set<String> TYPES = Set.of("full", "diff", "incr");
    static final Pattern OPTION_NAME = Pattern.compile("^[a-z0-9-]+$");
    private static final Set<String> RESERVED = Set.of("config", "stanza", "type", "annotation", "pg1-path",
            "pg1-port", "pg1-socket-path", "pg1-user", "lock-path", "log-path", "log-level-file", "spool-path",
            "output");

    private BackupOptions() {
    }

    /**
     * Problems by field path of the request body ({@code type}, {@code annotations.<key>},
     * {@code backup_options.<key>}); {@code backup_options.repo} is checked by the caller, which knows the
     * node's repositories.
     */
    public static Map<String, String> problems(String type, Map<String, String> annotations, Map<String, String> options) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (type == null || type.isEmpty()) {
            problems.put("type", "is required (one of: full, diff, incr)");
        } else if (!TYPES.contains(type)) {
            problems.put("type", "must be one of: full, diff, incr");
        }
        annotations.forEach((k, v) -> {
            if (k.isEmpty() || k.contains("=") || unsafe(k) || unsafe(v)) {
                problems.put("annotations." + k, "keys must be non-empty without '='; keys and values without line breaks");
            }
        });
        options.forEach((k, v) -> {
            if (!OPTION_NAME.matcher(k).matches()) {
                problems.put("backup_options." + k, "must match ^[a-z0-9-]+$");
            } else if (RESERVED.contains(k) || k.matches("repo[0-9]*-.*")) {
                // repository settings (keys, cipher passwords, paths) come from the spec, never from a request
                problems.put("backup_options." + k, "is set by the control plane and cannot be given");
            } else if (unsafe(v)) {
                problems.put("backup_options." + k, "must not contain line breaks");
            }
        });
        return problems;
    }

    private static boolean unsafe(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }
}
