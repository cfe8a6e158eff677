package io.controlplane.pgbackrest;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Removes known secrets from pgBackRest output before it reaches a task log. pgBackRest itself shows
 * secure options as {@code <redacted>}; this guards against a secret echoed in an error message.
 */
public final class OutputRedactor {

    static final String REDACTED = "<redacted>";
    /** Shorter values would match ordinary words. */
    private static final int MIN_LENGTH = 4;

    private final List<String> secrets;

    public OutputRedactor(Collection<String> secrets) {
        // longest first, so a secret that contains another is replaced whole
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> s.length() >= MIN_LENGTH).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String redact(String line) {
        String out = line;
        for (String s : secrets) {
            out = out.replace(s, REDACTED);
        }
        return out;
    }
}
