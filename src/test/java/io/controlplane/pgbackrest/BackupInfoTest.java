package io.controlplane.pgbackrest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code info-two-sets.json} is the real output of pgBackRest 2.45 in the image after a full and an incr backup. */
class BackupInfoTest {

    @Test
    void readsEverySetWithItsTypeTimesSizesWalRangeAndAnnotations() throws IOException {
        BackupInfo info = BackupInfo.parse(Files.readString(Path.of("src/test/resources/pgbackrest/info-two-sets.json")));

        assertThat(info.statusCode()).isZero();
        assertThat(info.stanzaExists()).isTrue();
        assertThat(info.backups()).hasSize(2);
        BackupSet full = info.backups().get(0);
        assertThat(full.type()).isEqualTo("full");
        assertThat(full.label()).endsWith("F");
        assertThat(full.annotations()).containsEntry("controlplane-task", "t1").containsEntry("initiated-by", "me");
        assertThat(full.walStart()).isEqualTo("000000010000000000000003");
        assertThat(full.lsnStart()).isEqualTo("0/3000028");
        assertThat(full.size()).isPositive();
        assertThat(full.repositorySize()).isPositive().isLessThan(full.size());
        assertThat(full.startTime()).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(full.stopTime()).isAfterOrEqualTo(full.startTime());
        assertThat(full.prior()).isEmpty();
        BackupSet incr = info.backups().get(1);
        assertThat(incr.type()).isEqualTo("incr");
        assertThat(incr.prior()).contains(full.label());
        assertThat(incr.references()).containsExactly(full.label());
        assertThat(incr.annotations()).isEmpty();
        assertThat(info.archiveMinMax()).containsKey("15-1");
    }

    @Test
    void aMissingStanzaHasNoBackups() {
        BackupInfo info = BackupInfo.parse("[{\"name\":\"db\",\"status\":{\"code\":1,\"message\":\"missing stanza path\"},"
                + "\"backup\":[],\"archive\":[]}]");

        assertThat(info.stanzaExists()).isFalse();
        assertThat(info.backups()).isEmpty();
        assertThat(BackupInfo.parse("[]").stanzaExists()).isFalse();
    }

    @Test
    void somethingElseThanInfoJsonIsAnError() {
        assertThatThrownBy(() -> BackupInfo.parse("ERROR: [041]: unable to open file")).isInstanceOf(
                IllegalArgumentException.class);
    }
}
