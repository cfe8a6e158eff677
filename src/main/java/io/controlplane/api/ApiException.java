package io.controlplane.api;

import org.springframework.http.HttpStatus;

/** An error the API returns as {@code {"name","message"}}; the name decides the HTTP status. */
public class ApiException extends RuntimeException {

    private final String name;
    private final HttpStatus status;

    public ApiException(String name, HttpStatus status, String message) {
        super(message);
        this.name = name;
        this.status = status;
    }

    public static ApiException invalidInput(String message) {
        return new ApiException("invalid_input", HttpStatus.BAD_REQUEST, message);
    }

    public static ApiException operationNotSupported(String message) {
        return new ApiException("operation_not_supported", HttpStatus.BAD_REQUEST, message);
    }

    public static ApiException invalidJoinToken(String message) {
        return new ApiException("invalid_join_token", HttpStatus.UNAUTHORIZED, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException("not_found", HttpStatus.NOT_FOUND, message);
    }

    public static ApiException clusterNotInitialized() {
        return new ApiException("cluster_not_initialized", HttpStatus.CONFLICT,
                "this operation is invalid on an uninitialized cluster");
    }

    /**
     * A host of an initialized cluster that has not reconnected to it since it started (our own error,
     * not pgEdge's: a client should wait and try again, see {@code Retry-After}).
     */
    public static ApiException hostStarting(String problem) {
        String message = "this host is starting and reconnecting to its cluster; try again in a few seconds"
                + (problem == null || problem.isBlank() ? "" : " (last attempt: " + problem + ")");
        return new ApiException("host_starting", HttpStatus.SERVICE_UNAVAILABLE, message);
    }

    public static ApiException clusterAlreadyInitialized() {
        return new ApiException("cluster_already_initialized", HttpStatus.CONFLICT,
                "this operation is invalid on an initialized cluster");
    }

    public static ApiException databaseNotModifiable() {
        return new ApiException("database_not_modifiable", HttpStatus.CONFLICT,
                "the target database is not modifiable in its current state");
    }

    public static ApiException operationAlreadyInProgress(String message) {
        return new ApiException("operation_already_in_progress", HttpStatus.CONFLICT, message);
    }

    public static ApiException databaseAlreadyExists() {
        return new ApiException("database_already_exists", HttpStatus.CONFLICT,
                "a database already exists with the given ID");
    }

    public String name() {
        return name;
    }

    public HttpStatus status() {
        return status;
    }

    public ApiError body() {
        return new ApiError(name, getMessage());
    }
}
