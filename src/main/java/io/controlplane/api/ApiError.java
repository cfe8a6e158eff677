package io.controlplane.api;

/** The body of every error response. */
public record ApiError(String name, String message) {
}
