package io.controlplane.config;

import io.controlplane.config.Setting.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every configuration key the server understands, with its kind and default. */
final class Settings {

    static final Map<String, Setting> ALL = new LinkedHashMap<>();

    static {
        add(Setting.of("data_dir", Kind.PATH, null));
        add(Setting.of("host_id", Kind.STRING, null));
        add(Setting.of("tenant_id", Kind.STRING, ""));
        add(Setting.oneOf("orchestrator", "swarm", "swarm"));
        add(Setting.of("peer_addresses", Kind.STRING_LIST, List.of()));
        add(Setting.of("client_addresses", Kind.STRING_LIST, List.of()));
        add(Setting.of("stop_grace_period_seconds", Kind.INT, 30));
        add(Setting.of("http.bind_addr", Kind.STRING, "0.0.0.0"));
        add(Setting.of("http.port", Kind.PORT, 3000));
        add(Setting.oneOf("logging.level", "info", "trace", "debug", "info", "warn", "error", "fatal"));
        add(Setting.of("logging.pretty", Kind.BOOL, false));
        add(Setting.of("engine.datasource.url", Kind.STRING, ""));
        add(Setting.of("engine.datasource.username", Kind.STRING, ""));
        add(Setting.of("engine.datasource.password", Kind.SECRET, ""));
        add(Setting.of("engine.admin_user", Kind.STRING, "admin"));
        add(Setting.of("engine.admin_password", Kind.SECRET, ""));
        add(Setting.of("engine.processes_dir", Kind.PATH, ""));
        add(Setting.of("engine.worker_threads", Kind.INT, 4));
        add(Setting.oneOf("etcd_mode", "server", "server", "client"));
        add(Setting.of("etcd_username", Kind.STRING, ""));
        add(Setting.of("etcd_password", Kind.SECRET, ""));
        add(Setting.of("etcd_key_root", Kind.STRING, ""));
        add(Setting.of("etcd_server.binary", Kind.PATH, "/usr/bin/etcd"));
        add(Setting.of("etcd_server.client_port", Kind.PORT, 2379));
        add(Setting.of("etcd_server.peer_port", Kind.PORT, 2380));
        add(Setting.of("etcd_client.endpoints", Kind.STRING_LIST, List.of()));
        add(Setting.of("random_ports.min", Kind.PORT, 5432));
        add(Setting.of("random_ports.max", Kind.PORT, 15432));
        add(Setting.of("docker_swarm.docker_host", Kind.STRING, "unix:///var/run/docker.sock"));
        add(Setting.of("docker_swarm.manifest_path", Kind.PATH, ""));
    }

    private Settings() {
    }

    private static void add(Setting s) {
        ALL.put(s.key(), s);
    }

    static Optional<Setting> find(String key) {
        return Optional.ofNullable(ALL.get(key));
    }
}
