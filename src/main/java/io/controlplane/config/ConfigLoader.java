package io.controlplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.common.Identifiers;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Merges configuration sources with the precedence pgEdge uses: defaults &lt; generated config &lt;
 * JSON file &lt; {@code CONTROL_PLANE_*} environment &lt; command-line flags.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "CONTROL_PLANE_";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The merged configuration plus non-fatal remarks (unknown environment variables). */
    public record Result(ControlPlaneConfig config, List<String> warnings) {
    }

    /** What the command line asked for besides configuration values. */
    public record CommandLine(String command, Map<String, Value> flags, String configPath) {
    }

    /** A raw value and where it came from, so an error can name its source. */
    public record Value(Object raw, String origin) {
    }

    private ConfigLoader() {
    }

    public static Result load(String[] args, Map<String, String> env) {
        CommandLine cli = parseArgs(args);
        List<String> warnings = new ArrayList<>();
        Map<String, Value> file = cli.configPath() == null ? Map.of() : readFile(Path.of(cli.configPath()));
        Map<String, Value> fromEnv = readEnv(env, warnings);

        Map<String, Value> user = new LinkedHashMap<>(file);
        user.putAll(fromEnv);
        user.putAll(cli.flags());

        Value dataDirValue = user.get("data_dir");
        if (dataDirValue == null || dataDirValue.raw() == null || String.valueOf(dataDirValue.raw()).isBlank()) {
            throw new ConfigException("data_dir: required (set --data-dir, " + ENV_PREFIX
                    + "DATA_DIR or \"data_dir\" in the config file)");
        }
        Path dataDir = Path.of((String) Settings.ALL.get("data_dir").convert(dataDirValue.raw(), dataDirValue.origin()));

        Map<String, Value> merged = new LinkedHashMap<>();
        Path generatedFile = dataDir.resolve(GeneratedConfig.FILE_NAME);
        GeneratedConfig.read(generatedFile).forEach((k, v) -> {
            if (Settings.find(k).isPresent()) {
                merged.put(k, new Value(v, generatedFile.toString()));
            }
        });
        merged.putAll(user);
        return new Result(build(merged), warnings);
    }

    static CommandLine parseArgs(String[] args) {
        Map<String, Value> flags = new LinkedHashMap<>();
        String command = "run";
        String configPath = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                if (i == 0 && (arg.equals("run") || arg.equals("version"))) {
                    command = arg;
                    continue;
                }
                throw new ConfigException("unexpected argument '" + arg + "' (commands: run, version)");
            }
            String name;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg;
            }
            String key = switch (name) {
                case "-c", "--config-path" -> "config_path";
                case "-l" -> "logging.level";
                case "-p" -> "logging.pretty";
                default -> name.startsWith("--") ? name.substring(2).replace('-', '_') : null;
            };
            if (key == null || (!key.equals("config_path") && Settings.find(key).isEmpty())) {
                throw new ConfigException("unknown flag " + name);
            }
            boolean isBool = !key.equals("config_path") && Settings.ALL.get(key).kind() == Setting.Kind.BOOL;
            if (value == null) {
                boolean nextIsValue = i + 1 < args.length && !args[i + 1].startsWith("-");
                if (isBool && (!nextIsValue || !args[i + 1].matches("(?i)true|false"))) {
                    value = "true";
                } else if (nextIsValue) {
                    value = args[++i];
                } else {
                    throw new ConfigException(name + ": missing value");
                }
            }
            if (key.equals("config_path")) {
                configPath = value;
            } else {
                flags.put(key, new Value(value, "flag " + name));
            }
        }
        return new CommandLine(command, flags, configPath);
    }

    private static Map<String, Value> readFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("config_path: file " + path + " does not exist");
        }
        Map<String, Object> nested;
        try {
            nested = JSON.readValue(Files.readAllBytes(path), new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new ConfigException("config_path: " + path + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("config_path: cannot read " + path + ": " + e.getMessage());
        }
        Map<String, Value> out = new LinkedHashMap<>();
        flatten(nested).forEach((k, v) -> {
            if (Settings.find(k).isEmpty()) {
                throw new ConfigException(k + ": unknown key in config file " + path);
            }
            out.put(k, new Value(v, path.toString()));
        });
        return out;
    }

    private static Map<String, Value> readEnv(Map<String, String> env, List<String> warnings) {
        Map<String, Value> out = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", ".");
            if (Settings.find(key).isEmpty()) {
                warnings.add("ignoring environment variable " + name + ": no configuration key " + key);
                return;
            }
            out.put(key, new Value(value, "environment variable " + name));
        });
        return out;
    }

    /** Turns nested JSON objects into dotted keys; arrays and scalars are leaves. */
    static Map<String, Object> flatten(Map<String, Object> nested) {
        Map<String, Object> out = new LinkedHashMap<>();
        flattenInto("", nested, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flattenInto(String prefix, Map<String, Object> node, Map<String, Object> out) {
        node.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> m && Settings.find(key).isEmpty()) {
                flattenInto(key, (Map<String, Object>) m, out);
            } else {
                out.put(key, v);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static void putNested(Map<String, Object> root, String dottedKey, Object value) {
        String[] parts = dottedKey.split("\\.");
        Map<String, Object> node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], p -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value);
    }

    private static ControlPlaneConfig build(Map<String, Value> values) {
        Map<String, Object> v = new LinkedHashMap<>();
        Settings.ALL.forEach((key, setting) -> {
            Value raw = values.get(key);
            v.put(key, raw == null || raw.raw() == null ? setting.defaultValue() : setting.convert(raw.raw(), raw.origin()));
        });
        Path dataDir = Path.of((String) v.get("data_dir"));

        String hostId = (String) v.get("host_id");
        if (hostId == null || hostId.isBlank()) {
            hostId = shortHostname();
            if (!Identifiers.isValid(hostId)) {
                throw new ConfigException("host_id: the default, this machine's short hostname '" + hostId
                        + "', is not a valid ID; set host_id: " + Identifiers.INVALID_MESSAGE);
            }
        } else if (!Identifiers.isValid(hostId)) {
            throw new ConfigException("host_id: " + Identifiers.INVALID_MESSAGE + " (got \"" + hostId + "\")");
        }
        String tenantId = (String) v.get("tenant_id");
        if (!tenantId.isEmpty() && !Identifiers.isValid(tenantId)) {
            throw new ConfigException("tenant_id: " + Identifiers.INVALID_MESSAGE + " (got \"" + tenantId + "\")");
        }

        List<String> peers = list(v, "peer_addresses");
        if (peers.isEmpty()) {
            peers = List.of(firstNonLoopbackAddress());
        }
        List<String> clients = list(v, "client_addresses");
        if (clients.isEmpty()) {
            clients = peers;
        }

        String url = (String) v.get("engine.datasource.url");
        String user = (String) v.get("engine.datasource.username");
        if (url.isBlank()) {
            url = "jdbc:h2:file:" + dataDir.resolve("engine").resolve("camunda") + ";DB_CLOSE_ON_EXIT=FALSE";
            if (user.isBlank()) {
                user = "sa";
            }
        } else if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw new ConfigException("engine.datasource.url: must be a jdbc:postgresql: or jdbc:h2: URL (got \""
                    + url + "\")");
        }
        int workers = (Integer) v.get("engine.worker_threads");
        if (workers < 1 || workers > 64) {
            throw new ConfigException("engine.worker_threads: must be between 1 and 64 (got " + workers + ")");
        }

        int portMin = (Integer) v.get("random_ports.min");
        int portMax = (Integer) v.get("random_ports.max");
        if (portMin > portMax) {
            throw new ConfigException("random_ports.min: must not be greater than random_ports.max (" + portMin
                    + " > " + portMax + ")");
        }
        int clientPort = (Integer) v.get("etcd_server.client_port");
        int peerPort = (Integer) v.get("etcd_server.peer_port");
        if (clientPort == peerPort) {
            throw new ConfigException("etcd_server.peer_port: must differ from etcd_server.client_port (" + peerPort + ")");
        }

        return new ControlPlaneConfig(
                dataDir, hostId, tenantId, (String) v.get("orchestrator"), peers, clients,
                (Integer) v.get("stop_grace_period_seconds"),
                new ControlPlaneConfig.Http((String) v.get("http.bind_addr"),
                        (Integer) v.get("http.port")),
                new ControlPlaneConfig.Logging((String) v.get("logging.level"), (Boolean) v.get("logging.pretty")),
                new ControlPlaneConfig.Engine(url, user, (String) v.get("engine.datasource.password"),
                        (String) v.get("engine.admin_user"), (String) v.get("engine.admin_password"),
                        (String) v.get("engine.processes_dir"), workers),
                new ControlPlaneConfig.Etcd((String) v.get("etcd_mode"), (String) v.get("etcd_username"),
                        (String) v.get("etcd_password"), (String) v.get("etcd_key_root"),
                        (String) v.get("etcd_server.binary"), clientPort, peerPort, list(v, "etcd_client.endpoints")),
                new ControlPlaneConfig.PortRange(portMin, portMax),
                new ControlPlaneConfig.Swarm((String) v.get("docker_swarm.docker_host"),
                        (String) v.get("docker_swarm.manifest_path")));
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> v, String key) {
        return (List<String>) v.get(key);
    }

    private static String shortHostname() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = "localhost";
            }
        }
        int dot = name.indexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }

    private static String firstNonLoopbackAddress() {
        try {
            List<NetworkInterface> nics = Collections.list(NetworkInterface.getNetworkInterfaces());
            String v6 = null;
            for (NetworkInterface nic : nics) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a.isLoopbackAddress() || a.isLinkLocalAddress()) {
                        continue;
                    }
                    if (a instanceof Inet4Address) {
                        return a.getHostAddress();
                    }
                    if (v6 == null) {
                        v6 = a.getHostAddress();
                    }
                }
            }
            if (v6 != null) {
                return v6;
            }
        } catch (SocketException e) {
            // fall through: no usable interface
        }
        // a machine with only loopback (a laptop offline, a test box) still runs a single host
        return "127.0.0.1";
    }
}
