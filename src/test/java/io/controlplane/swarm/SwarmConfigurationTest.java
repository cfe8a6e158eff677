package io.controlplane.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.config.ConfigLoader;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.orchestrator.Orchestrator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

class SwarmConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void providesTheSwarmOrchestratorForTheDefaultConfiguration() {
        ControlPlaneConfig config = ConfigLoader.load(new String[0], Map.of("CONTROL_PLANE_DATA_DIR", dir.toString(),
                "CONTROL_PLANE_PEER_ADDRESSES", "127.0.0.1", "CONTROL_PLANE_HOST_ID", "h1")).config();
        assertThat(config.swarm().dockerHost()).isEqualTo("unix:///var/run/docker.sock");

        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext()) {
            ctx.getBeanFactory().registerSingleton("controlPlaneConfig", config);
            ctx.register(SwarmConfiguration.class);
            ctx.refresh();
            assertThat(ctx.getBeansOfType(Orchestrator.class).values()).singleElement()
                    .isInstanceOf(SwarmOrchestrator.class);
        }
    }
}
