package io.controlplane.postgres;

import io.controlplane.common.FailureKind;

/**
 * What a step should do about a Postgres error, by its SQLSTATE (Postgres manual, appendix A). Who
 * wrote the statement matters: a statement of ours that Postgres rejects is a fault someone has to
 * fix (an incident), while a statement the user wrote (a script, a role to grant, an owner) fails the
 * operation with Postgres' words.
 */
public final class SqlStates {

    /** Who wrote the statement that failed. */
    public enum Author {
        /** Our own administrative SQL. */
        CONTROL_PLANE,
        /** Taken from the database spec: scripts, roles to grant, owners. */
        USER
    }

    private SqlStates() {
    }

    /**
     * The kind of failure for {@code sqlState} (null or empty when the driver failed before the
     * server answered: no connection, a broken socket).
     */
    public static FailureKind failureKind(String sqlState, Author author) {
        String state = sqlState == null ? "" : sqlState;
        if (isTransient(state)) {
            return FailureKind.TRANSIENT;
        }
        if (state.startsWith("28")) {
            // invalid authorization: our superuser's password or pg_hba is wrong; no statement is at fault
            return FailureKind.PERMANENT;
        }
        return author == Author.USER ? FailureKind.OPERATION_FAILED : FailureKind.PERMANENT;
    }

    /**
     * Conditions that clear by themselves: no connection yet (08, or no SQLSTATE at all), a server
     * that shuts down, restarts or is still starting (57P01-57P03), a statement canceled by a timeout
     * (57014), too many connections or other exhausted resources (53), a serialization failure or
     * deadlock (40), a lock that was not free (55P03), an object still in use (55006).
     */
    static boolean isTransient(String state) {
        return state.isEmpty() || state.startsWith("08") || state.startsWith("53") || state.startsWith("40")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") || state.equals("57014")
                || state.equals("55P03") || state.equals("55006");
    }
}
