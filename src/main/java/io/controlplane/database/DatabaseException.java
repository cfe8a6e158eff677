package io.controlplane.database;

/** A database request refused for a reason the caller can act on; the kind decides the pgEdge error name. */
public class DatabaseException extends RuntimeException {

    public enum Kind { INVALID_INPUT, OPERATION_NOT_SUPPORTED, NOT_FOUND, NOT_MODIFIABLE, ALREADY_EXISTS, IN_PROGRESS }

    private final Kind kind;

    public DatabaseException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static DatabaseException notFound() {
        return new DatabaseException(Kind.NOT_FOUND, "no database found with the given ID");
    }
}
