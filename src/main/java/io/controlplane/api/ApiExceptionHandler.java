package io.controlplane.api;

import io.controlplane.database.DatabaseException;
import io.controlplane.engine.OperationRefusedException;
import io.controlplane.engine.ProcessDirectoryDeployer;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error leaves as {@code {"name","message"}}; a user's mistake is never a 500 or a stack trace. */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> api(ApiException e) {
        return ResponseEntity.status(e.status()).body(e.body());
    }

    @ExceptionHandler(DatabaseException.class)
    ResponseEntity<ApiError> database(DatabaseException e) {
        ApiException api = switch (e.kind()) {
            case INVALID_INPUT -> ApiException.invalidInput(e.getMessage());
            case OPERATION_NOT_SUPPORTED -> ApiException.operationNotSupported(e.getMessage());
            case NOT_FOUND -> ApiException.notFound(e.getMessage());
            case NOT_MODIFIABLE -> ApiException.databaseNotModifiable();
            case ALREADY_EXISTS -> ApiException.databaseAlreadyExists();
            case IN_PROGRESS -> ApiException.operationAlreadyInProgress(e.getMessage());
        };
        return api(api);
    }

    @ExceptionHandler(OperationRefusedException.class)
    ResponseEntity<ApiError> refused(OperationRefusedException e) {
        return api(switch (e.kind()) {
            case INVALID -> ApiException.invalidInput(e.getMessage());
            case NOT_FOUND -> ApiException.notFound(e.getMessage());
            case CONFLICT -> ApiException.operationAlreadyInProgress(e.getMessage());
        });
    }

    @ExceptionHandler(ProcessDirectoryDeployer.RefusedException.class)
    ResponseEntity<ApiError> deploymentRefused(ProcessDirectoryDeployer.RefusedException e) {
        return invalid(e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        return invalid("the request body is missing or is not valid JSON");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e) {
        return invalid(e.getName() + ": invalid value \"" + e.getValue() + "\"");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return invalid(e.getParameterName() + ": required");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
        return invalid("the request body must be JSON (Content-Type: application/json)");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
                .body(new ApiError("invalid_input", "method " + e.getMethod() + " is not allowed on this path"));
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ApiError> notFound(Exception e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new ApiError("not_found", "no such endpoint"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e) {
        String ref = UUID.randomUUID().toString();
        LOG.error("unexpected error (ref {})", ref, e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(new ApiError("server_error", "internal error (ref " + ref + "); see the server log"));
    }

    private static ResponseEntity<ApiError> invalid(String message) {
        return ResponseEntity.badRequest().body(new ApiError("invalid_input", message));
    }
}
