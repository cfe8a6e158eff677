package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.validation.ConfTokens.Token;

import java.util.List;
import java.util.Optional;

/** Checks one pg_ident.conf line: {@code MAPNAME SYSTEM-USERNAME DATABASE-USERNAME}. */
final class PgIdentLine {

    private PgIdentLine() {
    }

    static Optional<String> problem(String line) {
        if (line.contains("\n") || line.contains("\r")) {
            return Optional.of("must be a single line");
        }
        if (PgHbaLine.isBlankOrComment(line)) {
            return Optional.empty();
        }
        ConfTokens.Result split = ConfTokens.split(line);
        if (split.error().isPresent()) {
            return split.error();
        }
        List<Token> t = split.tokens();
        if (t.size() != 3) {
            return Optional.of("expected 3 fields (map name, system user, database user) but got " + t.size());
        }
        if (t.stream().anyMatch(tok -> tok.text().isEmpty())) {
            return Optional.of("fields must not be empty");
        }
        return Optional.empty();
    }
}
