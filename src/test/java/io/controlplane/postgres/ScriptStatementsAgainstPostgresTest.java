package io.controlplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.common.OperationFailedException;
import io.controlplane.database.spec.CreateDatabaseRequest;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.ParseResult;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.database.spec.validation.SpecValidator;
import io.controlplane.support.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The script check of a spec next to a real PostgreSQL 15: what the check refuses, Postgres refuses as a
 * syntax error too; statements Postgres parses, the check accepts; and a statement that fails when the
 * script runs is named in the failure with Postgres' error.
 */
class ScriptStatementsAgainstPostgresTest {

    private static final String PASSWORD = "script-check-pw";
    private static final String SYNTAX_ERROR = "42601";

    @TempDir
    static Path tmp;
    static LocalPostgres pg;
    static PostgresAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        try {
            pg = LocalPostgres.start(tmp, PASSWORD);
        } catch (Exception e) {
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
        admin = new PostgresAdmin("127.0.0.1", pg.port(), PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void whatTheCheckRefusesPostgresRefusesAsASyntaxError() throws Exception {
        List<String> refused = List.of("SELEC 1", "CRATE TABLE t (id int)", "hello world", "'SELECT 1'",
                "\"t\"", "1 + 1", "$$SELECT 1$$", "INSRT INTO t VALUES (1)", "GRANTS ALL ON t TO x");
        for (String sql : refused) {
            assertThat(checkProblem(sql)).as(sql).isPresent();
            assertThat(sqlStateOf(sql)).as(sql).contains(SYNTAX_ERROR);
        }
    }

    @Test
    void whatPostgresParsesTheCheckAccepts() throws Exception {
        List<String> parsed = List.of(
                "SELECT 1", "(SELECT 1) UNION (SELECT 2)", "WITH x AS (SELECT 1) SELECT * FROM x",
                "VALUES (1), (2)", "TABLE pg_class", "analyse pg_class", "CREATE TABLE t1 (id int)",
                "DO $$ BEGIN PERFORM 1; END $$", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                "ALTER SYSTEM SET work_mem = '8MB'", "COMMENT ON TABLE pg_class IS 'x'", "SHOW work_mem",
                "SET search_path = public", "RESET search_path", "VACUUM pg_class", "CHECKPOINT",
                "GRANT SELECT ON pg_class TO PUBLIC", "REVOKE SELECT ON pg_class FROM PUBLIC",
                "SECURITY LABEL ON TABLE nope IS 'x'", "REFRESH MATERIALIZED VIEW nope", "LOCK TABLE nope",
                "MERGE INTO nope USING nope2 ON true WHEN MATCHED THEN DELETE", "NOTIFY chan", "LISTEN chan",
                "UNLISTEN chan", "DISCARD ALL", "LOAD 'nope'", "EXPLAIN SELECT 1", "CALL nope()",
                "-- a comment first\nSELECT 1", "/* and */ SELECT 2;");
        for (String sql : parsed) {
            assertThat(sqlStateOf(sql)).as(sql).isNotEqualTo(Optional.of(SYNTAX_ERROR));
            assertThat(checkProblem(sql)).as(sql).isEmpty();
        }
    }

    @Test
    void aStatementThatFailsWhenTheScriptRunsIsNamedWithPostgresError() throws Exception {
        admin.ensureDatabase("scripted_bad", null);

        assertThatThrownBy(() -> admin.runScript("scripted_bad", List.of("CREATE TABLE ok (id int)",
                "CREATE ROLE r PASSWORD 'never-shown' INHERITS")))
                .isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("script statement 2 of 2 (CREATE ROLE r PASSWORD '…' INHERITS)")
                .hasMessageContaining("syntax error at or near \"INHERITS\" at character 38 (SQLSTATE 42601)")
                .hasMessageNotContaining("never-shown");
        assertThat(pg.psql("scripted_bad", "SELECT count(*) FROM pg_class WHERE relname = 'ok'")).isEqualTo("0");
    }

    @Test
    void anExcerptMasksLiteralsAndShortensLongStatements() {
        assertThat(PostgresAdmin.excerpt("ALTER ROLE a PASSWORD E'it\\'s' VALID UNTIL 'x'"))
                .isEqualTo("ALTER ROLE a PASSWORD '…' VALID UNTIL '…'");
        assertThat(PostgresAdmin.excerpt("DO $body$ BEGIN RAISE 'secret'; END $body$;\n\n  SELECT   1"))
                .isEqualTo("DO '…'; SELECT 1");
        assertThat(PostgresAdmin.excerpt("SELECT " + "x, ".repeat(40) + "y")).hasSize(81).endsWith("…");
    }

    /** The problem the spec check reports for a post_init entry, if any. */
    private static Optional<String> checkProblem(String sql) {
        ObjectNode body = new ObjectMapper().createObjectNode();
        ObjectNode spec = body.putObject("spec").put("database_name", "app");
        spec.putArray("nodes").addObject().put("name", "n1").putArray("host_ids").add("host-1");
        spec.putObject("scripts").putArray("post_init").add(sql);
        ParseResult<CreateDatabaseRequest> parsed = new SpecParser().parseCreate(body);
        assertThat(parsed.errors()).isEmpty();
        List<FieldError> errors = new SpecValidator().validate(parsed.value().orElseThrow());
        return errors.stream().map(FieldError::message).findFirst();
    }

    /** The SQLSTATE Postgres answers the statement with (none: it ran); nothing it does is kept. */
    private static Optional<String> sqlStateOf(String sql) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "pgedge");
        props.setProperty("password", PASSWORD);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres",
                props); Statement s = c.createStatement()) {
            // statements that cannot run in a transaction block (VACUUM, ALTER SYSTEM) still get parsed first
            c.setAutoCommit(false);
            try {
                s.execute(sql);
                return Optional.empty();
            } catch (SQLException e) {
                return Optional.ofNullable(e.getSQLState());
            } finally {
                c.rollback();
            }
        }
    }
}
