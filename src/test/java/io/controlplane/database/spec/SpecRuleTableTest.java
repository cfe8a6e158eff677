package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.database.spec.validation.SpecValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One row per rule (src/test/resources/.../spec-rules.json): a merge patch on a valid request, and
 * the single error it must produce, with its exact path and reason. A row whose patch sets a field
 * nothing acts on yet (backup_config, restore_config) has {@code refusedAs}: what a
 * request gets, while the rule itself still reports its error.
 */
class SpecRuleTableTest {

    static Stream<Arguments> rows() {
        JsonNode table = Fixtures.resource("spec-rules.json");
        JsonNode base = table.get("base");
        return StreamSupport.stream(table.get("rows").spliterator(), false).map(row -> Arguments.of(
                row.get("name").asText(),
                Fixtures.mergePatch(base, row.get("patch")),
                row.get("path").asText(),
                row.get("reason").asText(),
                refusedAs(row)));
    }

    static List<String> refusedAs(JsonNode row) {
        List<String> messages = new ArrayList<>();
        row.path("refusedAs").forEach(m -> messages.add(m.asText()));
        return messages;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void reportsTheRuleViolationAtItsPath(String name, JsonNode body, String path, String reason,
                                          List<String> refusedAs) {
        List<FieldError> errors = Fixtures.createErrors(body);

        if (refusedAs.isEmpty()) {
            assertThat(errors).extracting(FieldError::message).containsExactly(path + ": " + reason);
        } else {
            assertThat(errors).extracting(FieldError::message).containsExactlyElementsOf(refusedAs);
            // the refusals are not-supported errors; a rule error outside the refused fields stays invalid input
            assertThat(errors).allSatisfy(e -> assertThat(e.kind()).isEqualTo(e.message().contains("not supported yet")
                    ? FieldError.Kind.OPERATION_NOT_SUPPORTED : FieldError.Kind.INVALID_INPUT));
            DatabaseSpec spec = Fixtures.parseCreate(body).spec();
            assertThat(new SpecValidator().validate(spec)).extracting(FieldError::message)
                    .containsExactly(path + ": " + reason);
        }
    }

    @org.junit.jupiter.api.Test
    void baseRequestOfTheTableIsValid() {
        JsonNode base = Fixtures.resource("spec-rules.json").get("base");

        assertThat(Fixtures.createErrors(base)).isEmpty();
    }
}
