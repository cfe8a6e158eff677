package io.controlplane.pgbackrest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code restore_options} of a restore config (reference §3.4): pgBackRest restore options by name,
 * e.g. {@code {"type": "time", "target": "2025-01-01T01:30:00Z"}} or {@code {"set": "...", "type":
 * "immediate"}}. The restored node must end as a writable primary that Patroni can take over, so the
 * recovery always promotes at its target, and options that would point pgBackRest elsewhere are refused.
 */
public final class RestoreOptions {

    /** Recovery types that end in a promoted primary; pgBackRest's {@code default} replays all WAL. */
    public static final Set<String> TYPES = Set.of("default", "immediate", "time", "lsn", "xid", "name");
    private static final Set<String> WITH_TARGET = Set.of("time", "lsn", "xid", "name");
    /** Set by the control plane: the config file, the stanza, the data directory and the log. */
    private static final Set<String> RESERVED = Set.of("config", "stanza", "pg1-path", "pg1-port", "pg1-socket-path",
            "pg1-user", "lock-path", "log-path", "log-level-file", "spool-path", "repo", "archive-mode");
    private static final Pattern LSN = Pattern.compile("^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$");
    private static final Pattern XID = Pattern.compile("^[0-9]{1,10}$");
    private static final Pattern LABEL = Pattern.compile("^[0-9]{8}-[0-9]{6}F(_[0-9]{8}-[0-9]{6}[DI])?$");
    private static final Pattern PGBACKREST_TIME = Pattern.compile(
            "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?([+-][0-9]{2}(:?[0-9]{2})?)?$");
    private static final DateTimeFormatter PGBACKREST_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private RestoreOptions() {
    }

    /** Problems by option name ({@code ""} for the options as a whole); empty when the options are usable. */
    public static Map<String, String> problems(Map<String, String> options) {
        Map<String, String> problems = new LinkedHashMap<>();
        for (String key : options.keySet()) {
            if (RESERVED.contains(key)) {
                problems.put(key, "is set by the control plane and cannot be given");
            }
        }
        String type = options.getOrDefault("type", "default");
        if (!TYPES.contains(type)) {
            problems.put("type", "must be one of: default, immediate, lsn, name, time, xid");
            return problems;
        }
        String target = options.get("target");
        if (WITH_TARGET.contains(type) && (target == null || target.isBlank())) {
            problems.put("target", "is required for type " + type);
        } else if (!WITH_TARGET.contains(type) && target != null) {
            problems.put("target", "is not used by type " + type + "; remove it");
        } else if (target != null) {
            switch (type) {
                case "time" -> {
                    if (pgBackRestTime(target) == null) {
                        problems.put("target", "must be a time in RFC 3339 form, e.g. 2025-01-01T01:30:00Z");
                    }
                }
                case "lsn" -> {
                    if (!LSN.matcher(target).matches()) {
                        problems.put("target", "must be an LSN such as 0/3000028");
                    }
                }
                case "xid" -> {
                    if (!XID.matcher(target).matches()) {
                        problems.put("target", "must be a transaction id (digits)");
                    }
                }
                default -> { }
            }
        }
        String set = options.get("set");
        if (set != null && !LABEL.matcher(set).matches()) {
            problems.put("set", "must be a backup label such as 20250505-153628F or 20250505-153628F_20250505-160000I");
        }
        String action = options.get("target-action");
        if (action != null && !action.equals("promote")) {
            problems.put("target-action", "must be promote: the restored instance becomes the node's primary");
        }
        options.forEach((k, v) -> {
            if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\'') >= 0) {
                problems.putIfAbsent(k, "must not contain line breaks or single quotes");
            }
        });
        return problems;
    }

    /**
     * The pgBackRest arguments of a restore with these (valid) options: {@code --type}, {@code --target}
     * (an RFC 3339 time in pgBackRest's own form, so it picks the backup set by time),
     * {@code --target-action=promote} for targeted recoveries, {@code --delta} for an in-place restore,
     * then every other option as {@code --name=value}.
     */
    public static List<String> arguments(Map<String, String> options, boolean inPlace) {
        Map<String, String> all = new LinkedHashMap<>(options);
        String type = all.getOrDefault("type", "default");
        List<String> args = new ArrayList<>();
        all.remove("type");
        if (!type.equals("default")) {
            args.add("--type=" + type);
        }
        String target = all.remove("target");
        if (target != null) {
            args.add("--target=" + (type.equals("time") ? pgBackRestTime(target) : target));
        }
        all.remove("target-action");
        if (!type.equals("default")) {
            args.add("--target-action=promote");
        }
        String delta = all.remove("delta");
        if (inPlace || delta != null) {
            args.add(delta == null || delta.equals("y") ? "--delta" : "--no-delta");
        }
        all.forEach((k, v) -> args.add("--" + k + "=" + v));
        return args;
    }

    /** An RFC 3339 time (or one already in pgBackRest's form) as pgBackRest parses it; null if neither. */
    static String pgBackRestTime(String value) {
        if (PGBACKREST_TIME.matcher(value).matches()) {
            return value;
        }
        try {
            return PGBACKREST_FORMAT.format(OffsetDateTime.parse(value).toInstant()) + "+00";
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
