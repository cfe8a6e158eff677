package io.controlplane.swarm;

import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.orchestrator.Orchestrator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Provides the {@link Orchestrator} when the configured orchestrator is {@code swarm} (the default). */
@Configuration(proxyBeanMethods = false)
public class SwarmConfiguration {

    @Bean(destroyMethod = "close")
    @Conditional(SwarmSelected.class)
    public SwarmOrchestrator swarmOrchestrator(ControlPlaneConfig config) {
        return new SwarmOrchestrator(config.swarm().dockerHost());
    }

    /**
     * Our configuration is not in Spring's environment: it is the {@code controlPlaneConfig} singleton
     * that {@code ControlPlaneApplication.run} registers before the context refreshes.
     */
    static final class SwarmSelected implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var beans = context.getBeanFactory();
            if (beans == null || !beans.containsSingleton("controlPlaneConfig")) {
                return false;
            }
            Object config = beans.getSingleton("controlPlaneConfig");
            return config instanceof ControlPlaneConfig c && "swarm".equals(c.orchestrator());
        }
    }
}
