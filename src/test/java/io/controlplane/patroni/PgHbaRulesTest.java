package io.controlplane.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgHbaRulesTest {

    @Test
    void ordersSocketTrustSystemUsersRejectsUserEntriesThenCatchAll() {
        assertThat(PgHbaRules.lines(PatroniConfigGeneratorTest.userSettings())).containsExactly(
                "local all all trust",
                "local replication all trust",
                "host replication patroni_replicator 10.0.0.1/32 scram-sha-256",
                "host all pgedge,patroni_replicator 10.0.0.1/32 scram-sha-256",
                "host replication patroni_replicator 10.0.0.2/32 scram-sha-256",
                "host all pgedge,patroni_replicator 10.0.0.2/32 scram-sha-256",
                "host replication patroni_replicator 127.0.0.1/32 scram-sha-256",
                "host all pgedge,patroni_replicator 127.0.0.1/32 scram-sha-256",
                "host replication patroni_replicator ::1/128 scram-sha-256",
                "host all pgedge,patroni_replicator ::1/128 scram-sha-256",
                "host all pgedge,patroni_replicator 0.0.0.0/0 reject",
                "host all pgedge,patroni_replicator ::/0 reject",
                "host app_db app_user 192.168.1.0/24 scram-sha-256",
                "hostssl all all 0.0.0.0/0 cert map=certs",
                "host all all 0.0.0.0/0 scram-sha-256",
                "host all all ::/0 scram-sha-256");
    }

    @Test
    void ipv6AddressesGetA128PrefixAndCidrsStayAsGiven() {
        assertThat(PgHbaRules.cidr("fd00::3")).isEqualTo("fd00::3/128");
        assertThat(PgHbaRules.cidr("10.0.0.0/24")).isEqualTo("10.0.0.0/24");
        assertThat(PgHbaRules.cidr("10.0.0.7")).isEqualTo("10.0.0.7/32");
    }
}
