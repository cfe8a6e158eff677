package io.controlplane.engine;

import org.springframework.boot.autoconfigure.orm.jpa.EntityManagerFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Hibernate builds its entity manager factory on a thread of its own while the main thread builds the
 * Camunda engine (parsing its MyBatis mappings); the engine's first transaction waits for it.
 */
@Configuration
class BackgroundJpaBootstrap {

    @Bean
    EntityManagerFactoryBuilderCustomizer entityManagerFactoryInBackground() {
        return builder -> builder.setBootstrapExecutor(new SimpleAsyncTaskExecutor("jpa-bootstrap-"));
    }
}
