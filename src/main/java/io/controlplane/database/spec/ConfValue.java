package io.controlplane.database.spec;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A {@code postgresql_conf} value: Postgres settings are strings, numbers or booleans in JSON, and a list
 * setting such as {@code shared_preload_libraries} may also be an array of strings.
 */
public sealed interface ConfValue {

    /** The value as Postgres would read it in postgresql.conf. */
    String asSetting();

    record Text(String value) implements ConfValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String asSetting() {
            return value;
        }
    }

    record Number(BigDecimal value) implements ConfValue {
        public Number {
            Objects.requireNonNull(value, "value");
            // 5, 5.0 and 5e0 are the same setting; one form keeps equality and round trips stable.
            value = value.stripTrailingZeros();
            if (value.scale() < 0) {
                value = value.setScale(0);
            }
        }

        @Override
        public String asSetting() {
            return value.toPlainString();
        }
    }

    /** A list setting given as a JSON array; Postgres reads it as the comma-separated elements. */
    record Items(java.util.List<String> values) implements ConfValue {
        public Items {
            values = java.util.List.copyOf(values);
        }

        @Override
        public String asSetting() {
            return String.join(",", values);
        }
    }

    record Bool(boolean value) implements ConfValue {
        @Override
        public String asSetting() {
            return value ? "on" : "off";
        }
    }
}
