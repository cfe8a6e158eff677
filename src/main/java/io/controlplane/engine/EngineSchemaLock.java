package io.controlplane.engine;

import io.controlplane.config.ControlPlaneConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.spring.ProcessEngineFactoryBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.orm.jpa.EntityManagerFactoryDependsOnPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hosts that share one PostgreSQL engine database may start at the same moment. Camunda's schema
 * update and Hibernate's are check-then-create, so two hosts creating a new schema together collide
 * ("relation already exists") and the loser does not come up. Before the engine and JPA are built,
 * this host takes a PostgreSQL advisory lock and holds it until every singleton exists: one host at a
 * time creates or checks the schema, deploys the processes and creates the admin user; the others
 * find them done. The lock is a session lock on a connection of its own, so a host that dies holding
 * it releases it with its connection. H2 (the single-host default) needs no lock: one process owns
 * the file.
 */
@Configuration(proxyBeanMethods = false)
class EngineSchemaLock {

    static final String BEAN = "engineSchemaLockHolder";
    /** The advisory lock key: the bytes of "ctlplane" (one key for every control plane on a database). */
    static final long LOCK_KEY = 0x63746c706c616e65L;
    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(EngineSchemaLock.class);

    @Bean(BEAN)
    Holder engineSchemaLock(ControlPlaneConfig config) {
        ControlPlaneConfig.Engine engine = config.engine();
        if (!engine.datasourceUrl().startsWith("jdbc:postgresql:")) {
            return Holder.NONE;
        }
        // a connection outside the pool: closing it really ends the session, and with it the lock
        return Holder.acquire(() -> DriverManager.getConnection(engine.datasourceUrl(), engine.datasourceUsername(),
                engine.datasourcePassword()));
    }

    /** Opens the lock's own connection. */
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    @Bean
    static AbstractDependsOnBeanFactoryPostProcessor processEngineWaitsForSchemaLock() {
        return new ProcessEngineDependsOn(BEAN);
    }

    @Bean
    static EntityManagerFactoryDependsOnPostProcessor jpaWaitsForSchemaLock() {
        return new EntityManagerFactoryDependsOnPostProcessor(BEAN);
    }

    private static final class ProcessEngineDependsOn extends AbstractDependsOnBeanFactoryPostProcessor {
        ProcessEngineDependsOn(String... dependsOn) {
            super(ProcessEngine.class, ProcessEngineFactoryBean.class, dependsOn);
        }
    }

    /** The held lock; released once the context's singletons exist, or when the context closes. */
    static final class Holder implements SmartInitializingSingleton, DisposableBean {

        static final Holder NONE = new Holder(null);
        private Connection connection;

        private Holder(Connection connection) {
            this.connection = connection;
        }

        static Holder acquire(ConnectionSource dataSource) {
            long started = System.nanoTime();
            long deadline = started + WAIT.toNanos();
            long nextLog = started + LOG_EVERY.toNanos();
            try {
                Connection c = dataSource.open();
                c.setAutoCommit(true);
                while (!tryLock(c)) {
                    long now = System.nanoTime();
                    if (now > deadline) {
                        c.close();
                        throw new IllegalStateException("another host has been creating or upgrading the engine schema"
                                + " for more than " + WAIT.toMinutes() + " minutes (PostgreSQL advisory lock "
                                + LOCK_KEY + " is held); check the other hosts' logs");
                    }
                    if (now > nextLog) {
                        LOG.info("waiting for another host to finish creating or checking the engine schema");
                        nextLog = now + LOG_EVERY.toNanos();
                    }
                    Thread.sleep(200);
                }
                long waitedMs = (System.nanoTime() - started) / 1_000_000;
                if (waitedMs > 1000) {
                    LOG.info("engine schema lock taken after waiting {} ms for another host", waitedMs);
                }
                return new Holder(c);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot take the engine schema lock: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the engine schema lock", e);
            }
        }

        private static boolean tryLock(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("select pg_try_advisory_lock(?)")) {
                s.setLong(1, LOCK_KEY);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() && r.getBoolean(1);
                }
            }
        }

        @Override
        public void afterSingletonsInstantiated() {
            release();
        }

        @Override
        public void destroy() {
            release();
        }

        synchronized void release() {
            if (connection == null) {
                return;
            }
            try (Connection c = connection; PreparedStatement s = c.prepareStatement("select pg_advisory_unlock(?)")) {
                s.setLong(1, LOCK_KEY);
                s.execute();
            } catch (SQLException e) {
                LOG.warn("could not release the engine schema lock cleanly (closing its connection releases it): {}",
                        e.getMessage());
            } finally {
                connection = null;
            }
        }
    }
}
