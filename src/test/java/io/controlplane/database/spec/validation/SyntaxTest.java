package io.controlplane.database.spec.validation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The small parsers behind the pg_hba, pg_ident, scripts, cron and memory rules. */
class SyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "local all all trust",
            "local   sameuser   all   scram-sha-256",
            "host all all 0.0.0.0/0 md5",
            "host all all all scram-sha-256",
            "hostssl app,reports +admins,alice 10.1.2.3 255.255.0.0 cert clientcert=verify-full",
            "hostnossl all all ::1/128 reject",
            "hostgssenc all all fe80::/10 gss include_realm=0 krb_realm=EXAMPLE.COM",
            "hostnogssenc all all db.example.com password",
            "host all all .example.com ldap ldapserver=ldap ldapprefix=\"cn=\" ldapsuffix=\", dc=example\"",
            "host \"my db\" \"my user\" samehost peer",
            "host replication patroni_replicator samenet trust # trailing comment",
            "# a comment",
            "   ",
    })
    void acceptsValidHbaLines(String line) {
        assertThat(PgHbaLine.problem(line)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "hots all all 0.0.0.0/0 md5 | invalid connection type \"hots\"",
            "host all | missing user",
            "host all all | missing address",
            "host all all 10.0.0.0/8 | missing authentication method",
            "host all all 10.0.0.1 md5 | invalid netmask \"md5\"",
            "host all all 10.0.0.1 | IP address \"10.0.0.1\" needs a CIDR mask or a separate netmask",
            "host all all 10.0.0.0/33 md5 | invalid CIDR mask in address \"10.0.0.0/33\"",
            "host all all 300.0.0.0/8 md5 | invalid IP address \"300.0.0.0\"",
            "host all all ::zz/64 md5 | invalid IP address \"::zz\"",
            "host all all bad_host! md5 | invalid IP address or hostname \"bad_host!\"",
            "host all all md5 | missing authentication method",
            "local all all md6 | invalid authentication method \"md6\"",
            "host all all all md5 clientcert | authentication option \"clientcert\" is not in name=value format",
            "host \"all all all md5 | unterminated quoted string",
            "host all,,x all all md5 | empty entry in database list",
    })
    void rejectsInvalidHbaLines(String line, String problem) {
        assertThat(PgHbaLine.problem(line)).contains(problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"admins root postgres", "m \"sys user\" pg", "# comment", ""})
    void acceptsValidIdentLines(String line) {
        assertThat(PgIdentLine.problem(line)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"m root", "m root pg extra", "m \"root pg"})
    void rejectsInvalidIdentLines(String line) {
        assertThat(PgIdentLine.problem(line)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "SELECT 1;",
            "SELECT 1 ;  -- done",
            "SELECT ';' AS semi",
            "SELECT 'it''s; fine'",
            "SELECT E'a\\';b'",
            "SELECT \"a;b\" FROM t",
            "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;",
            "DO $body$ SELECT '$$;' ; $body$",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;",
            "/* a; /* nested; */ still; */ SELECT 1",
            "SELECT $1::int",
            "SELECT a$b$c FROM t",
            "(SELECT 1) UNION (SELECT 2)",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "VALUES (1), (2)",
            "TABLE pg_class",
            "analyse pg_class",
            "-- leading comment\nselect 1",
            "/* leading */ GRANT SELECT ON t TO app",
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
            "SECURITY LABEL ON TABLE t IS 'x'",
            "IMPORT FOREIGN SCHEMA s FROM SERVER srv INTO public",
    })
    void acceptsSingleStatements(String sql) {
        assertThat(SqlStatements.problem(sql)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SELECT 1; SELECT 2 | must contain a single SQL statement",
            "SELECT 1;;SELECT 2 | must contain a single SQL statement",
            "-- only a comment | must contain a SQL statement",
            "; | must contain a SQL statement",
            "SELECT 'open | unterminated quoted string",
            "SELECT \"open | unterminated quoted identifier",
            "DO $$ BEGIN | unterminated dollar-quoted string",
            "SELECT 1 /* open | unterminated /* comment",
    })
    void rejectsWhatIsNotOneStatement(String sql, String problem) {
        assertThat(SqlStatements.problem(sql)).contains(problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "SELEC 1 | \"SELEC\"",
            "CRATE TABLE t (id int) | \"CRATE\"",
            "hello world | \"hello\"",
            "'SELECT 1' | \"'SELECT\"",
            "\\dt | \"\\dt\"",
            "1 + 1 | \"1\"",
            "\"t\" | \"\"t\"\"",
            "$$SELECT 1$$ | \"$$SELECT\"",
    })
    void rejectsWhatDoesNotStartWithACommand(String sql, String start) {
        assertThat(SqlStatements.problem(sql)).contains(SqlStatements.NOT_A_COMMAND + " (it starts with " + start + ")");
    }

    /**
     * The command keywords are complete: every SQL command Postgres 15 documents (one man page each, named
     * after its words, in the client package this machine has) starts with one of them.
     */
    @org.junit.jupiter.api.Test
    void everyDocumentedPostgresCommandStartsWithAKnownKeyword() throws java.io.IOException {
        java.nio.file.Path reference = java.nio.file.Path.of("/usr/share/postgresql/15/man/man7");
        assertThat(reference).as("Postgres 15's SQL command reference (postgresql-client-15)").isDirectory();
        java.util.Set<String> firstWords = new java.util.TreeSet<>();
        try (var pages = java.nio.file.Files.list(reference)) {
            pages.map(p -> p.getFileName().toString().split("[._]")[0]).forEach(firstWords::add);
        }

        assertThat(firstWords).hasSizeGreaterThan(40);
        assertThat(SqlStatements.COMMANDS).containsAll(firstWords);
        java.util.Set<String> extra = new java.util.TreeSet<>(SqlStatements.COMMANDS);
        extra.removeAll(firstWords);
        assertThat(extra).as("keywords without a command page").containsExactly("ANALYSE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 2 * * *", "*/15 * * * *", "0 0 1,15 * ?", "30 4 * JAN-MAR mon-fri", "0 0-23/2 * * 0",
            "5 4 * * SUN"})
    void acceptsCronExpressions(String cron) {
        assertThat(CronExpression.problem(cron)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
            "* * * * 7", "*/0 * * * *", "5-1 * * * *", "@daily", "? * * * *"})
    void rejectsCronExpressions(String cron) {
        assertThat(CronExpression.problem(cron)).isPresent();
    }

    @ParameterizedTest
    @CsvSource({"4GiB,4294967296", "512M,512000000", "1024,1024", "1.5 GB,1500000000", "10kb,10000", "2Ti,2199023255552"})
    void parsesByteSizes(String text, long bytes) {
        assertThat(ByteSize.parse(text)).hasValue(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "4 GiBs", "-1G", "1e3", "G"})
    void rejectsByteSizes(String text) {
        assertThat(ByteSize.parse(text)).isEmpty();
    }
}
