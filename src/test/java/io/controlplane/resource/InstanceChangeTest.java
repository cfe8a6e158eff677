package io.controlplane.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceChangeTest {

    private static InstanceSpec spec(String image, Map<String, String> conf, int clusterSize) {
        return new InstanceSpec("db-n1-abcdefgh", "db", null, "app", "n1", 0, "h1", true, "15.18", image, 5432, 8008,
                "256MiB", null, conf, List.of(), List.of(), Map.of(), List.of(), clusterSize, 1);
    }

    @Test
    void postmasterSettingRestartsPostgres() {
        InstanceChange change = InstanceChange.between(spec("img:1", Map.of(), 2),
                spec("img:1", Map.of("max_connections", "200"), 2));

        assertThat(change.changes()).containsExactly("postgresql_conf.max_connections");
        assertThat(change.restart()).isTrue();
        assertThat(change.restartReasons()).containsExactly("postgresql_conf.max_connections");
    }

    @Test
    void reloadableSettingAndANewNodeNeedNoRestart() {
        InstanceChange change = InstanceChange.between(spec("img:1", Map.of(), 2),
                spec("img:1", Map.of("work_mem", "8MB"), 3));

        assertThat(change.changes()).containsExactly("postgresql_conf.work_mem", "cluster_size");
        assertThat(change.restart()).isFalse();
    }

    @Test
    void newImageReplacesTheContainer() {
        InstanceChange change = InstanceChange.between(spec("img:1", Map.of(), 2), spec("img:2", Map.of(), 2));

        assertThat(change.restartReasons()).containsExactly("image");
    }

    @Test
    void sameSpecChangesNothing() {
        InstanceChange change = InstanceChange.between(spec("img:1", Map.of("a", "1"), 2),
                spec("img:1", Map.of("a", "1"), 2));

        assertThat(change.changes()).isEmpty();
        assertThat(change.restart()).isFalse();
    }
}
