package io.controlplane.database;

import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.orchestrator.ImageManifest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class DatabaseConfiguration {

    @Bean
    ImageManifest imageManifest(ControlPlaneConfig config) {
        return ImageManifest.load(config.swarm().manifestPath());
    }
}
