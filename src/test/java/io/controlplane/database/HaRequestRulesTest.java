package io.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.support.TestServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The pieces of {@link HaOperationService}'s rules that need no database: {@code scheduled_at}, version
 * order; and the node claim against the test server's real etcd (atomic, released only by its holder,
 * a stale one taken over).
 */
class HaRequestRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode scheduled(Object value) {
        ObjectNode body = JSON.createObjectNode();
        body.set("scheduled_at", JSON.valueToTree(value));
        return body;
    }

    @Test
    void scheduledAtIsAFutureRfc3339DateTimeWithAnOffset() {
        Instant in = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        assertThat(HaOperationService.scheduledAt(scheduled(in.toString()))).contains(in);
        assertThat(HaOperationService.scheduledAt(scheduled(in.atOffset(java.time.ZoneOffset.ofHours(5)).toString())))
                .contains(in);
        assertThat(HaOperationService.scheduledAt(JSON.createObjectNode())).isEmpty();
        for (Object bad : List.<Object>of("tomorrow", "2030-01-01 10:00:00", "2030-01-01T10:00:00", 1893456000)) {
            assertThatThrownBy(() -> HaOperationService.scheduledAt(scheduled(bad))).as(bad.toString())
                    .isInstanceOf(DatabaseException.class)
                    .hasMessageStartingWith("scheduled_at: ").hasMessageContaining("is not an RFC 3339 date-time")
                    .satisfies(e -> assertThat(((DatabaseException) e).kind()).isEqualTo(DatabaseException.Kind.INVALID_INPUT));
        }
        assertThatThrownBy(() -> HaOperationService.scheduledAt(scheduled("2020-01-01T00:00:00Z")))
                .hasMessage("scheduled_at: 2020-01-01T00:00:00Z is in the past");
    }

    @Test
    void versionsCompareNumberByNumber() {
        assertThat(HaOperationService.compareVersions("15.9", "15.18")).isNegative();
        assertThat(HaOperationService.compareVersions("15.18", "15.18")).isZero();
        assertThat(HaOperationService.compareVersions("16.1", "15.18")).isPositive();
        assertThat(HaOperationService.major("15.18")).isEqualTo("15");
    }

    @Test
    void aNodeIsClaimedOnceReleasedOnlyByItsHolderAndAStaleClaimIsTakenOver() {
        DatabaseStore store = TestServer.get().bean(DatabaseStore.class);
        String db = "claim-" + UUID.randomUUID().toString().substring(0, 8);
        NodeOperation first = new NodeOperation("task-1", "switchover", Instant.now());
        NodeOperation second = new NodeOperation("task-2", "failover", Instant.now());

        assertThat(store.claimNode(db, "n1", first, op -> false)).isTrue();
        assertThat(store.claimNode(db, "n1", second, op -> false)).as("held").isFalse();
        assertThat(store.claimNode(db, "n2", second, op -> false)).as("another node").isTrue();
        store.releaseNode(db, "n1", "task-2");
        assertThat(store.nodeOperation(db, "n1")).as("not released by another task").contains(first);
        assertThat(store.claimNode(db, "n1", second, op -> op.taskId().equals("task-1"))).as("stale").isTrue();
        assertThat(store.nodeOperations(db)).containsOnlyKeys("n1", "n2");
        store.releaseNode(db, "n1", "task-2");
        store.releaseNode(db, "n2", "task-2");
        assertThat(store.nodeOperations(db)).isEmpty();
    }
}
