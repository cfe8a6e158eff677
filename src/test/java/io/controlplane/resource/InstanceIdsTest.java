package io.controlplane.resource;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstanceIdsTest {

    @Test
    void instanceIdMatchesTheOnePgEdgeDocumentsForHost1() {
        // pgEdge docs: database storefront, node n1 on host-1 → storefront-n1-689qacsi
        assertThat(InstanceIds.instanceId("storefront", "n1", "host-1")).isEqualTo("storefront-n1-689qacsi");
    }

    @Test
    void hostHashIsEightLowercaseBase36Characters() {
        for (String host : new String[] {"a", "host-2", "test-host", "x".repeat(36)}) {
            assertThat(InstanceIds.hostHash(host)).matches("[0-9a-z]{8}");
        }
    }

    @Test
    void differentHostsOfANodeGetDifferentInstanceIds() {
        assertThat(InstanceIds.instanceId("db", "n1", "host-1")).isNotEqualTo(InstanceIds.instanceId("db", "n1", "host-2"));
    }

    @Test
    void serviceNameIsPostgresDashInstanceId() {
        assertThat(InstanceIds.serviceName("storefront-n1-689qacsi")).isEqualTo("postgres-storefront-n1-689qacsi");
    }
}
