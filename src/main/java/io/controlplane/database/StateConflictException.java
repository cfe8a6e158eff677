package io.controlplane.database;

/**
 * An operation found the database in a state that does not allow it, or lost a race with another
 * operation ({@code concurrent}).
 */
public class StateConflictException extends RuntimeException {

    private final DatabaseState state;
    private final boolean concurrent;

    public StateConflictException(DatabaseState state, boolean concurrent) {
        super(concurrent ? "another operation on this database started at the same time"
                : "the target database is not modifiable in its current state");
        this.state = state;
        this.concurrent = concurrent;
    }

    public DatabaseState state() {
        return state;
    }

    public boolean concurrent() {
        return concurrent;
    }
}
