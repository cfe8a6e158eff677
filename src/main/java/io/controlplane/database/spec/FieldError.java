package io.controlplane.database.spec;

import java.util.Collection;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One problem with a request, at a path. The kind decides the API error name: pgEdge answers
 * {@code invalid_input} for bad values and {@code operation_not_supported} for features we lack.
 */
public record FieldError(FieldPath path, String reason, Kind kind) {

    public enum Kind {
        INVALID_INPUT,
        OPERATION_NOT_SUPPORTED
    }

    public FieldError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(kind, "kind");
    }

    public static FieldError invalid(FieldPath path, String reason) {
        return new FieldError(path, reason, Kind.INVALID_INPUT);
    }

    public static FieldError notSupported(FieldPath path, String reason) {
        return new FieldError(path, reason, Kind.OPERATION_NOT_SUPPORTED);
    }

    /** {@code path: reason}, or the bare reason for the root, as in pgEdge's messages. */
    public String message() {
        return path.isRoot() ? reason : path + ": " + reason;
    }

    /** pgEdge joins all validation errors of a request into one message, one per line. */
    public static String joinMessages(Collection<FieldError> errors) {
        return errors.stream().map(FieldError::message).collect(Collectors.joining("\n"));
    }

    /** The API answers operation_not_supported when any error is of that kind, else invalid_input. */
    public static boolean anyNotSupported(Collection<FieldError> errors) {
        return errors.stream().anyMatch(e -> e.kind() == Kind.OPERATION_NOT_SUPPORTED);
    }

    @Override
    public String toString() {
        return message();
    }
}
