package io.controlplane.config;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The Cockpit / engine REST admin. Without a configured password one is generated at first start and
 * kept in the generated config (mode 0600); it is never printed, only where to find it.
 */
public final class EngineAdmin {

    static final String PASSWORD_KEY = "engine.admin_password";

    private EngineAdmin() {
    }

    public static ControlPlaneConfig ensurePassword(ControlPlaneConfig config) {
        if (!config.engine().adminPassword().isBlank()) {
            return config;
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        GeneratedConfig.update(config.generatedConfigPath(), Map.of(PASSWORD_KEY, password));
        ControlPlaneConfig.Engine e = config.engine();
        return new ControlPlaneConfig(config.dataDir(), config.hostId(), config.tenantId(), config.orchestrator(),
                config.peerAddresses(), config.clientAddresses(), config.stopGracePeriodSeconds(), config.http(),
                config.logging(),
                new ControlPlaneConfig.Engine(e.datasourceUrl(), e.datasourceUsername(), e.datasourcePassword(),
                        e.adminUser(), password, e.processesDir(), e.workerThreads()),
                config.etcd(), config.randomPorts(), config.swarm());
    }

    /** Where an operator finds the password: the generated config, or the place they configured it. */
    public static String passwordLocation(ControlPlaneConfig config) {
        Object generated = GeneratedConfig.read(config.generatedConfigPath()).get(PASSWORD_KEY);
        return config.engine().adminPassword().equals(generated)
                ? config.generatedConfigPath() + " (key engine.admin_password)"
                : "your configuration (engine.admin_password)";
    }
}
