package io.controlplane.engine;

import io.controlplane.config.ControlPlaneConfig;
import org.springframework.boot.autoconfigure.orm.jpa.EntityManagerFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * On a host with its own H2 engine database, Hibernate builds its entity manager factory (including its
 * schema update) on a thread of its own while the main thread builds the Camunda engine, which spends
 * most of its time parsing its MyBatis mappings; the engine's first transaction waits for it.
 * On a PostgreSQL engine database shared by several hosts, the factory is built on the main thread as
 * before, so that the schema changes of hosts starting together stay in the order start-up gives them.
 */
@Configuration
class BackgroundJpaBootstrap {

    @Bean
    EntityManagerFactoryBuilderCustomizer entityManagerFactoryInBackground(ControlPlaneConfig config) {
        return builder -> {
            if (config.engine().isH2()) {
                builder.setBootstrapExecutor(new SimpleAsyncTaskExecutor("jpa-bootstrap-"));
            }
        };
    }
}
