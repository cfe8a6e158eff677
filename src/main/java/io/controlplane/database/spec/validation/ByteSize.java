package io.controlplane.database.spec.validation;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human byte sizes the way pgEdge does (SI and IEC units, case-insensitive, e.g. 4GiB, 512M). */
public final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*$");
    private static final Map<String, BigDecimal> UNITS = Map.ofEntries(
            Map.entry("", BigDecimal.ONE), Map.entry("b", BigDecimal.ONE),
            Map.entry("k", pow(1000, 1)), Map.entry("kb", pow(1000, 1)), Map.entry("ki", pow(1024, 1)),
            Map.entry("kib", pow(1024, 1)),
            Map.entry("m", pow(1000, 2)), Map.entry("mb", pow(1000, 2)), Map.entry("mi", pow(1024, 2)),
            Map.entry("mib", pow(1024, 2)),
            Map.entry("g", pow(1000, 3)), Map.entry("gb", pow(1000, 3)), Map.entry("gi", pow(1024, 3)),
            Map.entry("gib", pow(1024, 3)),
            Map.entry("t", pow(1000, 4)), Map.entry("tb", pow(1000, 4)), Map.entry("ti", pow(1024, 4)),
            Map.entry("tib", pow(1024, 4)),
            Map.entry("p", pow(1000, 5)), Map.entry("pb", pow(1000, 5)), Map.entry("pi", pow(1024, 5)),
            Map.entry("pib", pow(1024, 5)),
            Map.entry("e", pow(1000, 6)), Map.entry("eb", pow(1000, 6)), Map.entry("ei", pow(1024, 6)),
            Map.entry("eib", pow(1024, 6)));
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private ByteSize() {
    }

    public static OptionalLong parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        BigDecimal unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (unit == null) {
            return OptionalLong.empty();
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(unit);
        return bytes.compareTo(MAX) > 0 ? OptionalLong.empty() : OptionalLong.of(bytes.longValue());
    }

    private static BigDecimal pow(int base, int exp) {
        return BigDecimal.valueOf(base).pow(exp);
    }
}
