package io.controlplane.cluster;

/** A cluster operation refused for a reason the caller can act on; {@code name} is the pgEdge error name. */
public class ClusterException extends RuntimeException {

    public enum Kind { INVALID_INPUT, OPERATION_NOT_SUPPORTED, INVALID_JOIN_TOKEN, NOT_FOUND, ALREADY_INITIALIZED,
        NOT_INITIALIZED, SERVER_ERROR }

    private final Kind kind;

    public ClusterException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ClusterException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
