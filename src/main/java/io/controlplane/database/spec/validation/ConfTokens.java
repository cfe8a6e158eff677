package io.controlplane.database.spec.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits a pg_hba.conf / pg_ident.conf line into fields the way Postgres does: whitespace separates
 * fields, double quotes protect spaces and commas ({@code ""} is a literal quote), {@code #} outside
 * quotes starts a comment.
 */
final class ConfTokens {

    /** A field, remembering whether it was quoted: a quoted "all" is a name, not the keyword. */
    record Token(String text, boolean quoted) {
        boolean isKeyword(String keyword) {
            return !quoted && text.equals(keyword);
        }
    }

    private ConfTokens() {
    }

    /** The fields of the line, or the reason it cannot be split. */
    static Result split(String line) {
        List<Token> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inToken = false;
        boolean inQuotes = false;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        current.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                inQuotes = true;
                inToken = true;
                quoted = true;
            } else if (c == '#') {
                break;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    tokens.add(new Token(current.toString(), quoted));
                    current.setLength(0);
                    inToken = false;
                    quoted = false;
                }
            } else {
                current.append(c);
                inToken = true;
            }
        }
        if (inQuotes) {
            return new Result(List.of(), Optional.of("unterminated quoted string"));
        }
        if (inToken) {
            tokens.add(new Token(current.toString(), quoted));
        }
        return new Result(tokens, Optional.empty());
    }

    record Result(List<Token> tokens, Optional<String> error) {
    }
}
