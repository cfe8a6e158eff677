package io.controlplane.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The effective configuration of this server, after merging every source and checking every value.
 */
public record ControlPlaneConfig(
        Path dataDir,
        String hostId,
        String tenantId,
        String orchestrator,
        List<String> peerAddresses,
        List<String> clientAddresses,
        int stopGracePeriodSeconds,
        Http http,
        Logging logging,
        Engine engine,
        Etcd etcd,
        PortRange randomPorts,
        Swarm swarm) {

    public record Http(String bindAddr, int port) {
    }

    public record Logging(String level, boolean pretty) {
    }

    /**
     * The workflow engine. {@code datasourceUrl} is never empty here: it defaults to an H2 file under
     * the data dir.
     */
    public record Engine(String datasourceUrl, String datasourceUsername, String datasourcePassword,
                         String adminUser, String adminPassword, String processesDir, int workerThreads) {

        public boolean isH2() {
            return datasourceUrl.startsWith("jdbc:h2:");
        }

        @Override
        public String toString() {
            return "Engine[datasourceUrl=" + datasourceUrl + ", adminUser=" + adminUser
                    + ", processesDir=" + processesDir + ", workerThreads=" + workerThreads + "]";
        }
    }

    public record Etcd(String mode, String username, String password, String keyRoot, String serverBinary,
                       int clientPort, int peerPort, List<String> clientEndpoints) {

        public boolean embedded() {
            return "server".equals(mode);
        }

        @Override
        public String toString() {
            return "Etcd[mode=" + mode + ", username=" + username + ", keyRoot=" + keyRoot
                    + ", clientPort=" + clientPort + ", peerPort=" + peerPort
                    + ", clientEndpoints=" + clientEndpoints + "]";
        }
    }

    public record PortRange(int min, int max) {
    }

    public record Swarm(String dockerHost, String manifestPath) {
    }

    public Path generatedConfigPath() {
        return dataDir.resolve(GeneratedConfig.FILE_NAME);
    }
}
