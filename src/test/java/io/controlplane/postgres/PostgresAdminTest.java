package io.controlplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.spec.DatabaseUserSpec;
import io.controlplane.support.LocalPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real, throwaway PostgreSQL 15 (Debian's binaries on the test host). */
class PostgresAdminTest {

    private static final String PGEDGE_PASSWORD = "pgedge-test-pw";

    @TempDir
    static Path tmp;
    static LocalPostgres pg;
    static PostgresAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        try {
            pg = LocalPostgres.start(tmp, PGEDGE_PASSWORD);
        } catch (Exception e) {
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
        admin = new PostgresAdmin("127.0.0.1", pg.port(), PGEDGE_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void createsRoleWithAttributesAndPasswordThatCanLogIn() throws Exception {
        admin.ensureRole(new DatabaseUserSpec("app_owner", "first-pw", true, List.of("LOGIN", "CREATEDB"), List.of()));
        assertThat(canLogIn("app_owner", "first-pw")).isTrue();
        assertThat(pg.psql("postgres", "SELECT rolcanlogin, rolcreatedb, rolsuper FROM pg_roles"
                + " WHERE rolname = 'app_owner'")).isEqualTo("t|t|f");
        // hashed on our side: the server only ever saw a SCRAM verifier
        assertThat(pg.psql("postgres", "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'app_owner'"))
                .isEqualTo("SCRAM-SHA-256$");
    }

    @Test
    void secondCallAltersRoleAndChangesPassword() throws Exception {
        admin.ensureRole(new DatabaseUserSpec("app_alter", "old-pw", false, List.of("LOGIN", "CREATEDB"), List.of()));
        admin.ensureRole(new DatabaseUserSpec("app_alter", "new-pw", false, List.of("LOGIN", "NOCREATEDB",
                "CONNECTION LIMIT 7"), List.of()));
        assertThat(canLogIn("app_alter", "new-pw")).isTrue();
        assertThat(canLogIn("app_alter", "old-pw")).isFalse();
        assertThat(pg.psql("postgres", "SELECT rolcreatedb, rolconnlimit FROM pg_roles WHERE rolname = 'app_alter'"))
                .isEqualTo("f|7");
    }

    @Test
    void omittedPasswordKeepsTheCurrentOne() throws Exception {
        admin.ensureRole(new DatabaseUserSpec("app_keep", "kept-pw", false, List.of("LOGIN"), List.of()));
        admin.ensureRole(new DatabaseUserSpec("app_keep", null, false, List.of("LOGIN"), List.of()));
        assertThat(canLogIn("app_keep", "kept-pw")).isTrue();
    }

    @Test
    void rejectsInjectedAttributeBeforeAnySqlRuns() throws Exception {
        pg.psql("postgres", "CREATE TABLE victim (id int)");
        DatabaseUserSpec bad = new DatabaseUserSpec("app_bad", "pw", false, List.of("LOGIN; DROP TABLE victim"),
                List.of());
        assertThatThrownBy(() -> admin.ensureRole(bad)).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("user 'app_bad': invalid role attribute 'LOGIN; DROP TABLE victim'");
        // no connection is even opened: a closed port would otherwise give a TransientException
        PostgresAdmin unreachable = new PostgresAdmin("127.0.0.1", closedPort(), PGEDGE_PASSWORD);
        assertThatThrownBy(() -> unreachable.ensureRole(bad)).isInstanceOf(OperationFailedException.class);
        assertThat(pg.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'app_bad'")).isEqualTo("0");
        assertThat(pg.psql("postgres", "SELECT count(*) FROM victim")).isEqualTo("0");
    }

    @Test
    void grantsRolesOnceAndKeepsThemOnTheNextCall() throws Exception {
        pg.psql("postgres", "CREATE ROLE readers NOLOGIN");
        DatabaseUserSpec user = new DatabaseUserSpec("app_reader", "pw", false, List.of("LOGIN"), List.of("readers"));
        admin.ensureRole(user);
        admin.ensureRole(user);
        assertThat(pg.psql("postgres", "SELECT count(*) FROM pg_auth_members WHERE roleid = 'readers'::regrole"
                + " AND member = 'app_reader'::regrole")).isEqualTo("1");
    }

    @Test
    void grantingAMissingRoleFailsWithPostgresMessageAndCreatesNothing() throws Exception {
        DatabaseUserSpec user = new DatabaseUserSpec("app_ghost", "ghost-pw", false, List.of("LOGIN"),
                List.of("ghost"));
        assertThatThrownBy(() -> admin.ensureRole(user)).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("role \"ghost\" does not exist")
                .hasMessageNotContaining("ghost-pw");
        assertThat(pg.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'app_ghost'")).isEqualTo("0");
    }

    @Test
    void quotesNamesThatNeedQuoting() throws Exception {
        admin.ensureRole(new DatabaseUserSpec("Odd \"User\"", "odd-pw", false, List.of("LOGIN"), List.of()));
        assertThat(canLogIn("Odd \"User\"", "odd-pw")).isTrue();
    }

    @Test
    void ensureDatabaseCreatesWithOwnerAndIsIdempotent() throws Exception {
        admin.ensureRole(new DatabaseUserSpec("shop_owner", "pw", true, List.of("LOGIN"), List.of()));
        admin.ensureDatabase("shop", "shop_owner");
        admin.ensureDatabase("shop", "shop_owner");
        assertThat(pg.psql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop'"))
                .isEqualTo("shop_owner");
    }

    @Test
    void aCopyThatStartsOverFindsTheTablesOfTheFailedOneAndDropsThemWithTheSessionsStillInIt() throws Exception {
        admin.ensureDatabase("copy_target", null);
        assertThat(admin.hasUserTables("copy_target")).isFalse();
        pg.psql("copy_target", "CREATE SCHEMA pglogical; CREATE TABLE pglogical.queue (id int)");
        assertThat(admin.hasUserTables("copy_target")).as("pglogical's own tables are no copy").isFalse();
        pg.psql("copy_target", "CREATE TABLE public.items (id int primary key)");
        assertThat(admin.hasUserTables("copy_target")).isTrue();
        // a session of the failed copy (pglogical's sync worker) is still connected: WITH (FORCE) ends it
        try (Connection held = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/copy_target",
                "pgedge", PGEDGE_PASSWORD)) {
            admin.dropDatabase("copy_target");
            assertThat(admin.databaseExists("copy_target")).isFalse();
            assertThat(held.isValid(2)).isFalse();
        }
        admin.ensureDatabase("copy_target", null);
        assertThat(admin.hasUserTables("copy_target")).isFalse();
    }

    @Test
    void ensureDatabaseHandsAnExistingDatabaseToTheOwner() throws Exception {
        pg.psql("postgres", "CREATE DATABASE handed");
        admin.ensureRole(new DatabaseUserSpec("new_owner", null, false, List.of(), List.of()));
        admin.ensureDatabase("handed", "new_owner");
        assertThat(pg.psql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'handed'"))
                .isEqualTo("new_owner");
    }

    @Test
    void runScriptCommitsAllStatements() throws Exception {
        admin.ensureDatabase("scripted", null);
        admin.runScript("scripted", List.of("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1), (2)"));
        assertThat(pg.psql("scripted", "SELECT count(*) FROM t")).isEqualTo("2");
    }

    @Test
    void failingStatementRollsBackTheWholeScriptWithPostgresError() throws Exception {
        admin.ensureDatabase("rolledback", null);
        assertThatThrownBy(() -> admin.runScript("rolledback", List.of("CREATE TABLE kept (id int)",
                "INSERT INTO nope VALUES (1)", "CREATE TABLE never (id int)")))
                .isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("script statement 2 of 3")
                .hasMessageContaining("relation \"nope\" does not exist")
                .hasMessageContaining("42P01");
        assertThat(pg.psql("rolledback", "SELECT count(*) FROM pg_class WHERE relname IN ('kept', 'never')"))
                .isEqualTo("0");
    }

    @Test
    void readsSettingsRecoveryAndReplicationOfAStandaloneServer() {
        assertThat(admin.setting("password_encryption")).isEqualTo("scram-sha-256");
        assertThat(admin.settings(Set.of("max_connections", "no_such_setting"))).containsOnlyKeys("max_connections");
        assertThat(admin.isInRecovery()).isFalse();
        assertThat(admin.replicationPeers()).isEmpty();
    }

    @Test
    void wrongSuperuserPasswordIsPermanentAndNotInTheMessage() {
        PostgresAdmin wrong = new PostgresAdmin("127.0.0.1", pg.port(), "wrong-secret-pw");
        assertThatThrownBy(wrong::isInRecovery).isInstanceOf(PermanentException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("wrong-secret-pw");
    }

    @Test
    void unreachableServerIsTransient() throws Exception {
        PostgresAdmin unreachable = new PostgresAdmin("127.0.0.1", closedPort(), PGEDGE_PASSWORD);
        assertThatThrownBy(unreachable::isInRecovery).isInstanceOf(TransientException.class);
    }

    private static boolean canLogIn(String user, String password) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres",
                user, password)) {
            return c.isValid(2);
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState())) {
                return false;
            }
            throw new AssertionError(e);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
