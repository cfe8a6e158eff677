package io.controlplane.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.support.LocalPostgres;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link PostgresAdmin} maps the errors of a real PostgreSQL 15 (see {@link SqlStates}). */
class PostgresAdminFailuresTest {

    private static final String PASSWORD = "pgedge-failures-pw";

    @TempDir
    static Path tmp;
    static LocalPostgres pg;
    static PostgresAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start(tmp, PASSWORD);
        admin = new PostgresAdmin("127.0.0.1", pg.port(), PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void ourOwnStatementThatPostgresRejectsIsPermanent() {
        // 42704: one of our reads names a setting this server does not know
        assertThatThrownBy(() -> admin.setting("no_such_setting")).isInstanceOf(PermanentException.class)
                .hasMessageContaining("SQLSTATE 42704");
    }

    @Test
    void userStatementThatPostgresRejectsFailsTheOperation() {
        assertThatThrownBy(() -> admin.runScript("postgres", List.of("SELEC 1"))).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("SQLSTATE 42601");
    }

    @Test
    void serverEndingTheSessionIsTransient() {
        // 57P01: what a server that shuts down (or an operator's pg_terminate_backend) answers
        assertThatThrownBy(() -> admin.runScript("postgres", List.of("SELECT pg_terminate_backend(pg_backend_pid())")))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("57P01");
    }

    @Test
    void serializationFailureIsTransient() {
        // 40001 raised by the server itself; a later attempt of the same script can succeed
        assertThatThrownBy(() -> admin.runScript("postgres", List.of(
                "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = 'serialization_failure'; END $$")))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("SQLSTATE 40001");
    }
}
