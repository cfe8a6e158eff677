package io.controlplane.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.postgres.PostgresAdmin;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationSupervisorTest {

    private final ReplicationNode n1 = new ReplicationNode("n1", new PostgresAdmin("127.0.0.1", 1, "x"), "app");
    private final List<String> calls = new ArrayList<>();
    private List<Subscription> subscriptions = List.of();
    private Instant now = Instant.parse("2026-11-30T12:00:00Z");

    /** The provider: answers subscriptions and status from the fields, records restart and enable. */
    private ReplicationProvider provider() {
        return (ReplicationProvider) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ReplicationProvider.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "subscriptions" -> subscriptions;
                    case "status" -> Optional.of(new ReplicationStatus("off", "2.4.2", List.of()));
                    case "restart", "setEnabled" -> {
                        calls.add(method.getName() + " " + args[1] + (args.length > 2 ? " " + args[2] : ""));
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private ReplicationSupervisor supervisor() {
        return new ReplicationSupervisor(provider(), new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        });
    }

    @Test
    void restartsADownSubscriptionAtMostEveryTenSeconds() {
        ReplicationSupervisor supervisor = supervisor();
        subscriptions = List.of(new Subscription("sub_n2_n1", "n2", true, "down", CopyState.READY, "slot"));

        supervisor.supervise("i1", n1);
        now = now.plusSeconds(5);
        supervisor.supervise("i1", n1);
        now = now.plus(ReplicationSupervisor.RESTART_INTERVAL);
        supervisor.supervise("i1", n1);

        assertThat(calls).containsExactly("restart n2", "restart n2");
    }

    @Test
    void leavesReplicatingAndCopyingSubscriptionsAlone() {
        ReplicationSupervisor supervisor = supervisor();
        subscriptions = List.of(new Subscription("sub_n2_n1", "n2", true, "replicating", CopyState.READY, "s"),
                new Subscription("sub_n3_n1", "n3", true, "down", CopyState.COPYING, "s"));

        assertThat(supervisor.supervise("i1", n1)).isPresent();
        assertThat(calls).isEmpty();
    }

    @Test
    void enablesASubscriptionLeftDisabledLongerThanTheGrace() {
        ReplicationSupervisor supervisor = supervisor();
        subscriptions = List.of(new Subscription("sub_n2_n1", "n2", false, "disabled", CopyState.READY, "s"));

        supervisor.supervise("i1", n1);
        now = now.plus(ReplicationSupervisor.DISABLED_GRACE).minus(Duration.ofSeconds(1));
        supervisor.supervise("i1", n1);
        assertThat(calls).isEmpty();
        now = now.plusSeconds(1);
        supervisor.supervise("i1", n1);

        assertThat(calls).containsExactly("setEnabled n2 true");
    }
}
