/**
 * The database spec of the {@code /v1} API: immutable records, parsing from JSON with field paths,
 * update checks, secret redaction and writing back to JSON. Validation rules live in
 * {@code .validation}.
 *
 * <p>Conventions for the records: lists and maps are never null (absent and empty mean the same and
 * are copied unmodifiable); booleans default to {@code false}; an optional scalar or nested object
 * is a component named {@code xxxOrNull} that holds {@code null} when the field was omitted, and the
 * record exposes {@code xxx()} returning an {@link java.util.Optional} for callers. Required strings
 * are never null.
 *
 * <p>Error paths use the JSON (snake_case) names with {@code [i]} indexes and {@code [key]} map keys.
 * Parse errors are rooted at the request body ({@code spec.nodes[0].host_ids}), as pgEdge's decoder
 * reports them; validation errors are rooted at the spec ({@code nodes[0].host_ids[1]}), as pgEdge's
 * handler validation reports them.
 */
package io.controlplane.database.spec;
