package io.controlplane.pgbackrest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pgBackRest command lines the control plane runs inside an instance's container. Every command
 * names its config file and the stanza; no secret is ever on a command line (they are in the file).
 */
public final class PgBackRestCommands {

    public static final String BINARY = "pgbackrest";

    private PgBackRestCommands() {
    }

    public static List<String> stanzaCreate(String config) {
        return command(config, List.of("--io-timeout=10"), "stanza-create");
    }

    public static List<String> check(String config) {
        return command(config, List.of(), "check");
    }

    public static List<String> info(String config) {
        return command(config, List.of("--output=json", "--log-level-console=warn"), "info");
    }

    /**
     * A backup of the given type. Annotations become {@code --annotation=k=v}, options {@code --k=v}
     * (reference §3.4), after {@link BackupOptions#problems} checked their names.
     */
    public static List<String> backup(String config, String type, Map<String, String> annotations,
                                      Map<String, String> options) {
        List<String> args = new ArrayList<>();
        // the task log has its own timestamps
        args.add("--log-timestamp=n");
        args.add("--type=" + type);
        annotations.forEach((k, v) -> args.add("--annotation=" + k + "=" + v));
        options.forEach((k, v) -> args.add("--" + k + "=" + v));
        return command(config, args, "backup");
    }

    private static List<String> command(String config, List<String> options, String command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY);
        cmd.add("--config=" + config);
        cmd.add("--stanza=" + PgBackRestConfig.STANZA);
        cmd.addAll(options);
        cmd.add(command);
        return cmd;
    }
}
