package io.controlplane.engine;

/** An operation that may not start: the reason says why, the kind what the API answers. */
public class OperationRefusedException extends RuntimeException {

    public enum Kind {
        /** Bad input: an unknown input, a process that is not an operation of that kind (400). */
        INVALID,
        /** No such process, database or host (404). */
        NOT_FOUND,
        /** The entity runs another operation or is in a state that allows none (409). */
        CONFLICT
    }

    private final Kind kind;

    public OperationRefusedException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
