package io.controlplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.common.FailureKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SqlStates}: the kind of a Postgres error by SQLSTATE and by who wrote the statement. */
class SqlStatesTest {

    @ParameterizedTest(name = "{0}: ours {1}, user''s {2}")
    @CsvSource(nullValues = "NULL", value = {
            "NULL,  TRANSIENT, TRANSIENT",            // the driver failed before the server answered
            "'',    TRANSIENT, TRANSIENT",
            "08006, TRANSIENT, TRANSIENT",            // connection failure
            "08001, TRANSIENT, TRANSIENT",            // unable to connect
            "57P01, TRANSIENT, TRANSIENT",            // admin shutdown
            "57P02, TRANSIENT, TRANSIENT",            // crash shutdown
            "57P03, TRANSIENT, TRANSIENT",            // cannot connect now
            "57014, TRANSIENT, TRANSIENT",            // canceled by statement timeout
            "53300, TRANSIENT, TRANSIENT",            // too many connections
            "40001, TRANSIENT, TRANSIENT",            // serialization failure
            "40P01, TRANSIENT, TRANSIENT",            // deadlock detected
            "55P03, TRANSIENT, TRANSIENT",            // lock not available
            "55006, TRANSIENT, TRANSIENT",            // object in use
            "28P01, PERMANENT, PERMANENT",            // password authentication failed
            "28000, PERMANENT, PERMANENT",            // no pg_hba.conf entry
            "42601, PERMANENT, OPERATION_FAILED",     // syntax error
            "42704, PERMANENT, OPERATION_FAILED",     // undefined object
            "42P01, PERMANENT, OPERATION_FAILED",     // undefined table
            "42501, PERMANENT, OPERATION_FAILED",     // insufficient privilege
            "23505, PERMANENT, OPERATION_FAILED",     // unique violation
            "3D000, PERMANENT, OPERATION_FAILED",     // database does not exist
            "57P04, PERMANENT, OPERATION_FAILED",     // database dropped
    })
    void failureKindBySqlStateAndAuthor(String sqlState, FailureKind ours, FailureKind users) {
        assertThat(SqlStates.failureKind(sqlState, SqlStates.Author.CONTROL_PLANE)).isEqualTo(ours);
        assertThat(SqlStates.failureKind(sqlState, SqlStates.Author.USER)).isEqualTo(users);
    }
}
