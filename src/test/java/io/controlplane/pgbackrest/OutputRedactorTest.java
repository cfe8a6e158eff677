package io.controlplane.pgbackrest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputRedactorTest {

    @Test
    void replacesEverySecretAlsoOneInsideAnother() {
        OutputRedactor r = new OutputRedactor(Arrays.asList("s3-secret", "s3-secret-longer", null, "ab"));

        assertThat(r.redact("ERROR: key s3-secret-longer refused, s3-secret too"))
                .isEqualTo("ERROR: key <redacted> refused, <redacted> too");
        // too short to tell from ordinary text
        assertThat(r.redact("about")).isEqualTo("about");
        assertThat(new OutputRedactor(List.of()).redact("x")).isEqualTo("x");
    }
}
