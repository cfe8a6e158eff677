package io.controlplane.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.orchestrator.ServiceSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredServiceTest {

    @Test
    void hashIgnoresMapOrderButNotValues() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("A", "1");
        ab.put("B", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("B", "2");
        ba.put("A", "1");

        assertThat(DesiredService.hash(spec(ab, null))).isEqualTo(DesiredService.hash(spec(ba, null)));
        assertThat(DesiredService.hash(spec(ab, null))).isNotEqualTo(DesiredService.hash(spec(Map.of("A", "1", "B", "3"), null)));
        assertThat(DesiredService.hash(spec(ab, null))).isNotEqualTo(DesiredService.hash(spec(ab, 1L << 30)));
        assertThat(DesiredService.hash(spec(ab, null))).matches("[0-9a-f]{64}");
    }

    @Test
    void dockerSpecLimitsResourcesOnlyWhenGiven() {
        assertThat(DesiredService.of(spec(Map.of(), null), "node1").getTaskTemplate().getResources()).isNull();
        assertThat(DesiredService.of(spec(Map.of(), 1L << 30), "node1").getTaskTemplate().getResources()
                .getLimits().getMemoryBytes()).isEqualTo(1L << 30);
    }

    private static ServiceSpec spec(Map<String, String> env, Long memory) {
        return new ServiceSpec("postgres-x", "controlplane/postgres:15",
                List.of("patroni", "/opt/controlplane/configs/patroni.yaml"), env, Map.of("controlplane.instance_id", "x"),
                List.of(new ServiceSpec.BindMount("/srv/x", "/srv/pg", false)), "100:102", true, memory, null,
                new ServiceSpec.HealthCheck(List.of("CMD", "true"), Duration.ofSeconds(10), Duration.ofSeconds(5), 3,
                        Duration.ofSeconds(60)),
                Duration.ofSeconds(20), Duration.ofSeconds(30));
    }
}
