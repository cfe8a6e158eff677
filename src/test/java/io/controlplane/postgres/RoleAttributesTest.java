package io.controlplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoleAttributesTest {

    @Test
    void acceptsCreateRoleKeywordsInAnyCaseAndSpacing() {
        assertThat(RoleAttributes.parse(List.of("login", " CreateDB ", "NOSUPERUSER", "connection   limit 5")).sql())
                .containsExactly("LOGIN", "CREATEDB", "NOSUPERUSER", "CONNECTION LIMIT 5");
    }

    @Test
    void rejectsAnythingElse() {
        for (String bad : List.of("LOGIN; DROP TABLE x", "PASSWORD 'x'", "VALID UNTIL 'infinity'", "IN ROLE admin",
                "CONNECTION LIMIT 5; DROP TABLE x", "NOLOGIN--", "")) {
            assertThatThrownBy(() -> RoleAttributes.parse(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid role attribute");
        }
    }

    @Test
    void rejectsContradictions() {
        assertThatThrownBy(() -> RoleAttributes.parse(List.of("LOGIN", "NOLOGIN")))
                .hasMessageContaining("conflicting role attributes 'LOGIN' and 'NOLOGIN'");
        assertThatThrownBy(() -> RoleAttributes.parse(List.of("CONNECTION LIMIT 1", "CONNECTION LIMIT 2")))
                .hasMessageContaining("conflicting");
    }

    @Test
    void quotesIdentifiers() {
        assertThat(SqlIdentifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThatThrownBy(() -> SqlIdentifiers.quote("x".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }
}
