package io.controlplane.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded etcd is a child process. If the server is killed with SIGKILL, etcd outlives it and
 * keeps the ports; the next start finds it through {@code <data_dir>/etcd.pid} and stops it first.
 */
final class OrphanEtcd {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanEtcd.class);

    private OrphanEtcd() {
    }

    static void record(Path dataDir, OptionalLong pid) {
        if (pid.isEmpty()) {
            return;
        }
        try {
            Files.writeString(pidFile(dataDir), Long.toString(pid.getAsLong()));
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", pidFile(dataDir), e.getMessage());
        }
    }

    static void forget(Path dataDir) {
        try {
            Files.deleteIfExists(pidFile(dataDir));
        } catch (IOException e) {
            LOG.debug("cannot delete {}", pidFile(dataDir));
        }
    }

    /** Stops an etcd left running by an earlier run of this host; checks it really is ours first. */
    static void stopIfRunning(Path dataDir) {
        Path file = pidFile(dataDir);
        if (!Files.exists(file)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(file).trim());
            ProcessHandle.of(pid).ifPresent(p -> {
                String cmdline = cmdline(pid);
                if (cmdline.contains("etcd") && cmdline.contains(dataDir.resolve("etcd").toString())) {
                    LOG.warn("stopping etcd (pid {}) left running by an earlier run of this host", pid);
                    p.destroy();
                    try {
                        p.onExit().get(15, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                }
            });
            Files.deleteIfExists(file);
        } catch (IOException | NumberFormatException e) {
            LOG.debug("ignoring unreadable {}", file);
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static Path pidFile(Path dataDir) {
        return dataDir.resolve("etcd.pid");
    }
}
