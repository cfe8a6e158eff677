package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.support.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine schema lock on a real PostgreSQL: one host at a time, released by release or by a dying session. */
class EngineSchemaLockTest {

    private static final String PASSWORD = "schema-lock-test";

    @TempDir
    static Path tmp;
    static LocalPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = LocalPostgres.start(tmp, PASSWORD);
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    private static Connection connect() throws java.sql.SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "pgedge", PASSWORD);
    }

    @Test
    void aSecondHostWaitsUntilTheFirstReleasesTheLock() throws Exception {
        EngineSchemaLock.Holder first = EngineSchemaLock.Holder.acquire(EngineSchemaLockTest::connect);
        CompletableFuture<EngineSchemaLock.Holder> second =
                CompletableFuture.supplyAsync(() -> EngineSchemaLock.Holder.acquire(EngineSchemaLockTest::connect));
        try {
            assertThat(waitsAtLeast(second, 1500)).as("the second host must wait while the first holds the lock").isTrue();
            first.afterSingletonsInstantiated();
            EngineSchemaLock.Holder got = second.get(10, TimeUnit.SECONDS);
            assertThat(lockHolders()).isEqualTo("1");
            got.release();
            assertThat(lockHolders()).isEqualTo("0");
        } finally {
            first.release();
            second.thenAccept(EngineSchemaLock.Holder::release);
        }
    }

    @Test
    void aHostThatDiesHoldingTheLockReleasesItWithItsSession() throws Exception {
        Connection dying = connect();
        try (var s = dying.prepareStatement("select pg_advisory_lock(?)")) {
            s.setLong(1, EngineSchemaLock.LOCK_KEY);
            s.execute();
        }
        CompletableFuture<EngineSchemaLock.Holder> next =
                CompletableFuture.supplyAsync(() -> EngineSchemaLock.Holder.acquire(EngineSchemaLockTest::connect));
        assertThat(waitsAtLeast(next, 1000)).isTrue();
        // the session ends as it does when a host is killed: the server drops its locks
        pg.psql("postgres", "select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted");
        EngineSchemaLock.Holder got = next.get(10, TimeUnit.SECONDS);
        assertThat(lockHolders()).isEqualTo("1");
        got.destroy();
        assertThat(lockHolders()).isEqualTo("0");
    }

    private static boolean waitsAtLeast(CompletableFuture<?> future, long millis) throws Exception {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException stillWaiting) {
            return true;
        }
    }

    private static String lockHolders() throws Exception {
        return pg.psql("postgres", "select count(*) from pg_locks where locktype = 'advisory' and granted and objid = "
                + (EngineSchemaLock.LOCK_KEY & 0xffffffffL));
    }
}
