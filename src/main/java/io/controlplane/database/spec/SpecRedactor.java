package io.controlplane.database.spec;

/**
 * The spec as API responses show it: pgEdge never returns user passwords or repository keys, and
 * neither do we.
 */
public final class SpecRedactor {

    public DatabaseSpec redact(DatabaseSpec spec) {
        return SpecSecrets.rewrite(spec, u -> u.withPassword(null), r -> Secrets.NONE);
    }
}
