package io.controlplane.database.spec.validation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a standard 5-field cron expression (minute hour day-of-month month day-of-week) with the
 * bounds of the scheduler pgEdge uses: lists, ranges, steps, {@code *}, {@code ?} in the day fields,
 * month and weekday names.
 */
final class CronExpression {

    private record Field(String name, int min, int max, Map<String, Integer> names, boolean question) {
    }

    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2),
            Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7),
            Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12));
    private static final Map<String, Integer> DAYS = Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4,
            "FRI", 5, "SAT", 6);
    private static final List<Field> FIELDS = List.of(
            new Field("minute", 0, 59, Map.of(), false),
            new Field("hour", 0, 23, Map.of(), false),
            new Field("day of month", 1, 31, Map.of(), true),
            new Field("month", 1, 12, MONTHS, false),
            new Field("day of week", 0, 6, DAYS, true));

    private CronExpression() {
    }

    static Optional<String> problem(String expression) {
        String[] parts = expression.trim().split("\\s+");
        if (expression.isBlank() || parts.length != 5) {
            return Optional.of("expected 5 fields (minute hour day-of-month month day-of-week)");
        }
        for (int i = 0; i < 5; i++) {
            Field field = FIELDS.get(i);
            for (String item : parts[i].split(",", -1)) {
                if (!validItem(item, field)) {
                    return Optional.of("invalid " + field.name() + " \"" + parts[i] + "\"");
                }
            }
        }
        return Optional.empty();
    }

    private static boolean validItem(String item, Field f) {
        String range = item;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            String step = item.substring(slash + 1);
            if (!step.matches("\\d{1,2}") || Integer.parseInt(step) == 0) {
                return false;
            }
            range = item.substring(0, slash);
        }
        if (range.equals("*") || (f.question() && range.equals("?") && slash < 0)) {
            return true;
        }
        String[] bounds = range.split("-", -1);
        if (bounds.length > 2) {
            return false;
        }
        Integer low = value(bounds[0], f);
        Integer high = bounds.length == 2 ? value(bounds[1], f) : low;
        return low != null && high != null && low <= high;
    }

    private static Integer value(String s, Field f) {
        Integer named = f.names().get(s.toUpperCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        if (!s.matches("\\d{1,2}")) {
            return null;
        }
        int v = Integer.parseInt(s);
        return v >= f.min() && v <= f.max() ? v : null;
    }
}
