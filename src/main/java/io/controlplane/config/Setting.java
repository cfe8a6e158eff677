package io.controlplane.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One configuration key: its dotted name, its kind (which decides how a string from an environment
 * variable or a flag is read) and its default.
 */
record Setting(String key, Kind kind, Object defaultValue, List<String> allowed) {

    enum Kind { STRING, PATH, INT, PORT, BOOL, STRING_LIST, ENUM, SECRET }

    static Setting of(String key, Kind kind, Object defaultValue) {
        return new Setting(key, kind, defaultValue, List.of());
    }

    static Setting oneOf(String key, String defaultValue, String... allowed) {
        return new Setting(key, Kind.ENUM, defaultValue, List.of(allowed));
    }

    /**
     * Converts a raw value (a JSON value from a file, or a string from env/flags) to this key's type.
     *
     * @param origin where the value came from, for the error message
     */
    Object convert(Object raw, String origin) {
        return switch (kind) {
            case STRING, PATH, SECRET -> {
                if (!(raw instanceof String s)) {
                    throw invalid("must be a string", raw, origin);
                }
                if (kind == Kind.PATH && !s.isBlank() && !s.startsWith("/")) {
                    throw invalid("must be an absolute path", raw, origin);
                }
                yield s;
            }
            case INT -> toInt(raw, origin, Integer.MIN_VALUE, Integer.MAX_VALUE, "must be an integer");
            case PORT -> toInt(raw, origin, 1, 65535, "must be an integer between 1 and 65535");
            case BOOL -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                if (raw instanceof String s) {
                    String v = s.trim().toLowerCase(Locale.ROOT);
                    if (v.equals("true") || v.equals("1") || v.equals("yes")) {
                        yield Boolean.TRUE;
                    }
                    if (v.equals("false") || v.equals("0") || v.equals("no")) {
                        yield Boolean.FALSE;
                    }
                }
                throw invalid("must be true or false", raw, origin);
            }
            case STRING_LIST -> {
                List<String> out = new ArrayList<>();
                if (raw instanceof String s) {
                    for (String part : s.split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                } else if (raw instanceof List<?> list) {
                    for (Object o : list) {
                        if (!(o instanceof String s)) {
                            throw invalid("must be a list of strings", raw, origin);
                        }
                        out.add(s);
                    }
                } else {
                    throw invalid("must be a list of strings (comma-separated in env/flags)", raw, origin);
                }
                yield List.copyOf(out);
            }
            case ENUM -> {
                if (raw instanceof String s && allowed.contains(s.toLowerCase(Locale.ROOT))) {
                    yield s.toLowerCase(Locale.ROOT);
                }
                throw invalid("must be one of " + String.join(", ", allowed), raw, origin);
            }
        };
    }

    private int toInt(Object raw, String origin, int min, int max, String rule) {
        long value;
        if (raw instanceof Number n && (n instanceof Integer || n instanceof Long)) {
            value = n.longValue();
        } else if (raw instanceof String s && s.trim().matches("-?\\d{1,10}")) {
            value = Long.parseLong(s.trim());
        } else {
            throw invalid(rule, raw, origin);
        }
        if (value < min || value > max) {
            throw invalid(rule, raw, origin);
        }
        return (int) value;
    }

    private ConfigException invalid(String rule, Object raw, String origin) {
        String shown = kind == Kind.SECRET ? "<hidden>" : String.valueOf(raw);
        return new ConfigException(key + ": " + rule + " (got \"" + shown + "\" from " + origin + ")");
    }
}
