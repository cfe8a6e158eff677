package io.controlplane.database.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.resource.DesiredState;
import io.controlplane.resource.InstanceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link DatabaseSpec#withImage}: what apply-upgrade stores, read back as the instances' images. */
class SpecImageChangeTest {

    private static final Map<String, String> MANIFEST = Map.of("15.18", "controlplane/postgres:15",
            "15.19", "controlplane/postgres:15.19");

    private static DatabaseSpec spec(String json) {
        return new SpecParser().parseSpec(Fixtures.json(json)).value().orElseThrow();
    }

    private static List<String> images(DatabaseSpec spec) {
        DatabaseSpec stored = new SpecParser().parseSpec(new SpecJsonWriter().write(spec)).value().orElseThrow();
        return DesiredState.instances("db", Optional.empty(), stored, MANIFEST::get).stream().map(InstanceSpec::image)
                .toList();
    }

    @Test
    void anImageOtherThanTheManifestsIsPinnedForEveryInstance() {
        DatabaseSpec spec = spec("""
                {"database_name": "app", "postgres_version": "15.18",
                 "nodes": [{"name": "n1", "host_ids": ["h1", "h2"]}, {"name": "n2", "host_ids": ["h3"]}]}""");
        assertThat(images(spec)).containsOnly("controlplane/postgres:15");

        DatabaseSpec changed = spec.withImage("15.18", "controlplane/postgres:15-rebuilt");

        assertThat(images(changed)).hasSize(3).containsOnly("controlplane/postgres:15-rebuilt");
        assertThat(changed.postgresVersion()).contains("15.18");
    }

    @Test
    void nodeLevelOptionsAndVersionsFollowTheChangeAndKeepTheirOtherValues() {
        DatabaseSpec spec = spec("""
                {"database_name": "app", "postgres_version": "15.18",
                 "nodes": [{"name": "n1", "host_ids": ["h1"], "postgres_version": "15.18",
                            "orchestrator_opts": {"swarm": {"extra_labels": {"team": "a"}}}},
                           {"name": "n2", "host_ids": ["h2"]}]}""");

        DatabaseSpec changed = spec.withImage("15.19", "controlplane/postgres:15-rebuilt");

        assertThat(images(changed)).containsOnly("controlplane/postgres:15-rebuilt");
        DatabaseNodeSpec n1 = changed.node("n1").orElseThrow();
        assertThat(n1.postgresVersion()).contains("15.19");
        assertThat(n1.orchestratorOpts().flatMap(OrchestratorOpts::swarm).orElseThrow().extraLabels())
                .containsEntry("team", "a");
        assertThat(changed.node("n2").orElseThrow().postgresVersion()).isEmpty();
    }

    @Test
    void theManifestsOwnImageRemovesAnExplicitImage() {
        DatabaseSpec pinned = spec("""
                {"database_name": "app", "postgres_version": "15.18",
                 "orchestrator_opts": {"swarm": {"image": "controlplane/postgres:15-rebuilt"}},
                 "nodes": [{"name": "n1", "host_ids": ["h1"]}]}""");
        assertThat(images(pinned)).containsOnly("controlplane/postgres:15-rebuilt");

        DatabaseSpec changed = pinned.withImage("15.19", null);

        assertThat(images(changed)).containsOnly("controlplane/postgres:15.19");
        assertThat(changed.orchestratorOpts().flatMap(OrchestratorOpts::swarm).flatMap(SwarmOpts::image)).isEmpty();
        assertThat(spec("""
                {"database_name": "app", "nodes": [{"name": "n1", "host_ids": ["h1"]}]}""")
                .withImage("15.19", null).orchestratorOpts()).isEmpty();
    }
}
