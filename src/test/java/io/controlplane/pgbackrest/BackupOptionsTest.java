package io.controlplane.pgbackrest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupOptionsTest {

    @Test
    void acceptsTheThreeTypesWithAnnotationsAndOptions() {
        for (String type : new String[] {"full", "diff", "incr"}) {
            assertThat(BackupOptions.problems(type, Map.of("initiated-by", "cron"), Map.of("archive-check", "n")))
                    .isEmpty();
        }
    }

    @Test
    void refusesAnUnknownTypeAndAMissingOne() {
        assertThat(BackupOptions.problems("snapshot", Map.of(), Map.of()))
                .containsExactly(Map.entry("type", "must be one of: full, diff, incr"));
        assertThat(BackupOptions.problems(null, Map.of(), Map.of())).containsOnlyKeys("type");
    }

    @Test
    void refusesOptionsTheControlPlaneSetsAndMalformedNames() {
        assertThat(BackupOptions.problems("full", Map.of(), Map.of("config", "/etc/x", "repo1-path", "/x", "Bad_Name",
                "1", "stanza", "other"))).containsOnlyKeys("backup_options.config", "backup_options.repo1-path",
                "backup_options.Bad_Name", "backup_options.stanza");
    }

    @Test
    void refusesRepositorySettingsWithOrWithoutAnIndexSoNoKeyEverReachesAProcessVariable() {
        assertThat(BackupOptions.problems("full", Map.of(), Map.of("repo-cipher-pass", "secret", "repo2-s3-key-secret",
                "secret", "repo", "1"))).containsOnlyKeys("backup_options.repo-cipher-pass",
                "backup_options.repo2-s3-key-secret");
    }

    @Test
    void refusesAnnotationsThatWouldSplitTheArgument() {
        assertThat(BackupOptions.problems("full", Map.of("a=b", "x", "ok", "line\nbreak"), Map.of()))
                .containsOnlyKeys("annotations.a=b", "annotations.ok");
    }
}
