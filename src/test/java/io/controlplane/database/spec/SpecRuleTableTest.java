package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One row per rule (src/test/resources/.../spec-rules.json): a merge patch on a valid request, and
 * the single error it must produce, with its exact path and reason.
 */
class SpecRuleTableTest {

    static Stream<Arguments> rows() {
        JsonNode table = Fixtures.resource("spec-rules.json");
        JsonNode base = table.get("base");
        return StreamSupport.stream(table.get("rows").spliterator(), false).map(row -> Arguments.of(
                row.get("name").asText(),
                Fixtures.mergePatch(base, row.get("patch")),
                row.get("path").asText(),
                row.get("reason").asText()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void reportsTheRuleViolationAtItsPath(String name, JsonNode body, String path, String reason) {
        List<FieldError> errors = Fixtures.createErrors(body);

        assertThat(errors).extracting(FieldError::message).containsExactly(path + ": " + reason);
    }

    @org.junit.jupiter.api.Test
    void baseRequestOfTheTableIsValid() {
        JsonNode base = Fixtures.resource("spec-rules.json").get("base");

        assertThat(Fixtures.createErrors(base)).isEmpty();
    }
}
