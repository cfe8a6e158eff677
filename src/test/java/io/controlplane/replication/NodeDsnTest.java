package io.controlplane.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeDsnTest {

    @Test
    void listsEveryInstanceAndAsksForTheWritableOneWithoutAPassword() {
        NodeDsn dsn = new NodeDsn(List.of(new NodeDsn.Endpoint("10.0.0.1", 5432), new NodeDsn.Endpoint("10.0.0.2", 5433)),
                "app", "pgedge", "/opt/controlplane/configs/replication.pgpass");

        assertThat(dsn.conninfo()).isEqualTo("host=10.0.0.1,10.0.0.2 port=5432,5433 dbname=app user=pgedge"
                + " passfile=/opt/controlplane/configs/replication.pgpass target_session_attrs=read-write"
                + " connect_timeout=5");
        assertThat(dsn.conninfo()).doesNotContain("password=");
    }

    @Test
    void quotesValuesLibpqWouldSplit() {
        NodeDsn dsn = new NodeDsn(List.of(new NodeDsn.Endpoint("h", 1)), "my db's", "u", "/p");

        assertThat(dsn.conninfo()).contains("dbname='my db\\'s'");
    }

    @Test
    void refusesANodeWithoutInstances() {
        assertThatThrownBy(() -> new NodeDsn(List.of(), "app", "u", "/p")).isInstanceOf(IllegalArgumentException.class);
    }
}
