package io.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.common.FailureKind;
import io.controlplane.etcd.admin.AddedMember;
import io.controlplane.etcd.admin.ClusterStatus;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.etcd.admin.MemberInfo;
import io.controlplane.etcd.admin.MemberRemovalRefusedException;
import io.controlplane.etcd.pki.ClusterCa;
import io.controlplane.etcd.server.EtcdMember;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.etcd.store.Leadership;
import io.controlplane.etcd.store.Subscription;
import io.controlplane.etcd.store.VersionedValue;
import io.controlplane.etcd.store.WatchEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One real etcd cluster (TLS on client and peer URLs, auth on) shared by all tests, in order:
 * store behaviour on a single member first, then crash recovery, then membership changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdClusterTest {

    private static final String KEY_ROOT = "cp";

    private Path root;
    private ClusterCa ca;
    private final List<EtcdMember> members = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private EtcdMember n1;
    private EtcdCredentials rootCredentials;
    private EtcdCredentials hostCredentials;
    private EtcdAdmin admin;
    private EtcdStore store;

    @BeforeAll
    void startAuthenticatedSingleMember() throws Exception {
        EtcdTestSupport.requireEtcdBinary();
        root = Files.createTempDirectory("etcd-cluster-test");
        ca = ClusterCa.create("cp-cluster-test");
        n1 = member("n1");
        long began = System.nanoTime();
        n1.bootstrap();
        System.out.printf("MEASURE n1 healthy after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));

        rootCredentials = EtcdAdmin.bootstrapAuth(clientConfig(n1, Optional.empty()));
        EtcdAdmin rootAdmin = track(new EtcdAdmin(clientConfig(n1, Optional.of(rootCredentials))));
        hostCredentials = rootAdmin.addHostUser("h1");
        admin = track(new EtcdAdmin(clientConfig(n1, Optional.of(hostCredentials))));
        store = track(new EtcdStore(clientConfig(n1, Optional.of(hostCredentials)), KEY_ROOT));
    }

    @AfterAll
    void stopEverything() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        members.forEach(EtcdMember::close);
        EtcdTestSupport.deleteRecursively(root);
    }

    @Test
    @Order(1)
    void authIsOnAndEveryClientNeedsAUser() {
        assertThat(admin.status().votingMembers()).isEqualTo(1);
        assertThat(admin.status().serverVersion()).startsWith("3.4");
        assertThat(admin.listUsers()).contains("root", "host-h1");

        // neither clears by itself: a step that meets them raises an incident at once
        try (EtcdStore anonymous = new EtcdStore(clientConfig(n1, Optional.empty()))) {
            assertThatThrownBy(() -> anonymous.get("/x")).isInstanceOf(EtcdException.class)
                    .hasMessageContaining("user name is empty")
                    .extracting(e -> ((EtcdException) e).failureKind()).isEqualTo(FailureKind.PERMANENT);
        }
        try (EtcdStore wrongPassword = new EtcdStore(clientConfig(n1,
                Optional.of(new EtcdCredentials("host-h1", "wrong"))))) {
            assertThatThrownBy(() -> wrongPassword.get("/x")).isInstanceOf(EtcdException.class)
                    .hasMessageContaining("authentication failed")
                    .extracting(e -> ((EtcdException) e).failureKind()).isEqualTo(FailureKind.PERMANENT);
        }
    }

    @Test
    @Order(2)
    void storeReadsAndWritesUnderTheKeyRoot() {
        long revision = store.put("/hosts/h1", "{\"id\":\"h1\"}");
        store.put("/hosts/h2", "{\"id\":\"h2\"}");
        store.put("/hostsx", "not under /hosts/");

        assertThat(store.get("/hosts/h1")).hasValueSatisfying(v -> {
            assertThat(v.value()).isEqualTo("{\"id\":\"h1\"}");
            assertThat(v.modRevision()).isEqualTo(revision);
        });
        assertThat(store.getPrefix("/hosts/")).containsOnlyKeys("/hosts/h1", "/hosts/h2");
        try (EtcdStore raw = new EtcdStore(clientConfig(n1, Optional.of(hostCredentials)))) {
            assertThat(raw.get("/cp/hosts/h1")).isPresent();
            assertThat(raw.get("/hosts/h1")).isEmpty();
        }

        assertThat(store.delete("/hosts/h2")).isTrue();
        assertThat(store.delete("/hosts/h2")).isFalse();
        assertThat(store.get("/hosts/h2")).isEmpty();
        assertThat(store.deletePrefix("/hosts")).isEqualTo(2);
        assertThatThrownBy(() -> store.put("no-slash", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Order(3)
    void compareAndPutWinsWithTheCurrentRevisionAndConflictsWithAStaleOne() {
        long first = store.put("/databases/db1", "v1");
        long second = store.compareAndPut("/databases/db1", "v2", first);

        assertThat(second).isGreaterThan(first);
        assertThatThrownBy(() -> store.compareAndPut("/databases/db1", "lost", first))
                .isInstanceOf(EtcdConflictException.class);
        assertThat(store.get("/databases/db1").map(VersionedValue::value)).contains("v2");

        assertThatThrownBy(() -> store.compareAndDelete("/databases/db1", first)).isInstanceOf(EtcdConflictException.class);
        store.compareAndDelete("/databases/db1", second);
        assertThat(store.get("/databases/db1")).isEmpty();
    }

    @Test
    @Order(4)
    void createWritesOnlyWhenTheKeyIsAbsent() {
        store.create("/cluster", "{\"id\":\"c1\"}");

        assertThatThrownBy(() -> store.create("/cluster", "{\"id\":\"c2\"}")).isInstanceOf(EtcdConflictException.class);
        assertThat(store.get("/cluster").map(VersionedValue::value)).contains("{\"id\":\"c1\"}");
    }

    @Test
    @Order(5)
    void transactionWritesAllKeysOrNone() {
        long spec = store.put("/database_specs/db2", "spec-1");

        store.transaction()
                .requireModRevision("/database_specs/db2", spec)
                .requireAbsent("/databases/db2")
                .put("/database_specs/db2", "spec-2")
                .put("/databases/db2", "creating")
                .delete("/tasks/old")
                .commit();
        assertThat(store.get("/databases/db2").map(VersionedValue::value)).contains("creating");

        assertThatThrownBy(() -> store.transaction()
                .requireModRevision("/database_specs/db2", spec)
                .put("/database_specs/db2", "spec-3")
                .put("/databases/db2", "modifying")
                .commit()).isInstanceOf(EtcdConflictException.class);
        assertThat(store.get("/database_specs/db2").map(VersionedValue::value)).contains("spec-2");
        assertThat(store.get("/databases/db2").map(VersionedValue::value)).contains("creating");
    }

    @Test
    @Order(6)
    void prefixWatchSeesPutsAndDeletesInOrder() {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Subscription ignored = store.watchPrefix("/instances/db3/", events::add)) {
            store.put("/instances/db3/i1", "a");
            store.put("/instances/other", "not watched");
            store.put("/instances/db3/i1", "b");
            store.delete("/instances/db3/i1");
            eventually(Duration.ofSeconds(5), () -> events.size() >= 3);
        }

        assertThat(events).extracting(WatchEvent::type, WatchEvent::key, WatchEvent::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.PUT, "/instances/db3/i1", Optional.of("a")),
                org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.PUT, "/instances/db3/i1", Optional.of("b")),
                org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.DELETE, "/instances/db3/i1", Optional.empty()));
        assertThat(events.get(0).modRevision()).isLessThan(events.get(2).modRevision());
    }

    @Test
    @Order(7)
    void watchFromASnapshotRevisionMissesNothing() {
        store.put("/ports/h1", "5432");
        long revision = store.snapshot("/ports/").revision();
        store.put("/ports/h1", "5433");
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Subscription ignored = store.watchPrefix("/ports/", revision + 1, events::add)) {
            eventually(Duration.ofSeconds(5), () -> !events.isEmpty());
        }
        assertThat(events.get(0).value()).contains("5433");
    }

    @Test
    @Order(8)
    void leaseExpiryRemovesTheKeyUnlessKeptAlive() {
        long expiring = store.grantLease(Duration.ofSeconds(2));
        long kept = store.grantLease(Duration.ofSeconds(2));
        store.put("/host_statuses/gone", "up", expiring);
        store.put("/host_statuses/kept", "up", kept);

        try (Subscription ignored = store.keepAlive(kept)) {
            long began = System.nanoTime();
            eventually(Duration.ofSeconds(8), () -> store.get("/host_statuses/gone").isEmpty());
            System.out.printf("MEASURE lease(2s) key gone after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            assertThat(store.get("/host_statuses/kept")).isPresent();
        }
        store.revokeLease(kept);
        assertThat(store.get("/host_statuses/kept")).isEmpty();
        store.revokeLease(kept);
    }

    @Test
    @Order(9)
    void secondCampaignerWaitsUntilTheFirstResigns() throws Exception {
        Leadership first = store.campaign("/elections/scheduler", "host-a", Duration.ofSeconds(10));
        assertThat(store.leader("/elections/scheduler")).contains("host-a");
        assertThat(first.isHeld()).isTrue();

        CompletableFuture<Leadership> second = store.campaignAsync("/elections/scheduler", "host-b", Duration.ofSeconds(10));
        AtomicBoolean firstResigned = new AtomicBoolean();
        CompletableFuture<Boolean> wonAfterTheResignation = second.thenApply(won -> firstResigned.get());
        // the second candidacy is registered in etcd, behind the first
        eventually(Duration.ofSeconds(10), () -> store.getPrefix("/elections/scheduler/").size() == 2);
        assertThat(second).isNotDone();
        assertThat(store.leader("/elections/scheduler")).contains("host-a");

        firstResigned.set(true);
        first.resign();
        Leadership winner = second.get(10, TimeUnit.SECONDS);
        assertThat(wonAfterTheResignation.get()).as("second won only once the first resigned").isTrue();
        assertThat(store.leader("/elections/scheduler")).contains("host-b");
        assertThat(first.isHeld()).isFalse();
        assertThat(winner.isHeld()).isTrue();
        assertThat(winner.leaderKey()).startsWith("/cp/elections/scheduler/");

        winner.close();
        assertThat(store.leader("/elections/scheduler")).isEmpty();
    }

    @Test
    @Order(10)
    void cancelledCampaignDoesNotBecomeLeaderLater() throws Exception {
        Leadership first = store.campaign("/elections/monitor", "host-a", Duration.ofSeconds(10));
        // a long TTL: left alone, this candidacy's key would stay for a minute, far past the waits below
        CompletableFuture<Leadership> withdrawn = store.campaignAsync("/elections/monitor", "host-b", Duration.ofSeconds(60));
        eventually(Duration.ofSeconds(10), () -> store.getPrefix("/elections/monitor/").size() == 2);
        withdrawn.cancel(true);
        // withdrawing revokes the candidacy's lease, and with it its key: nothing is left to win later
        eventually(Duration.ofSeconds(10), () -> store.getPrefix("/elections/monitor/").size() == 1);
        assertThat(store.getPrefix("/elections/monitor/").values()).extracting(VersionedValue::value)
                .containsExactly("host-a");

        first.resign();
        assertThat(store.getPrefix("/elections/monitor/")).isEmpty();
        assertThat(store.leader("/elections/monitor")).isEmpty();
    }

    @Test
    @Order(11)
    void instanceUserCanOnlyTouchItsOwnPatroniPrefix() {
        EtcdCredentials instance = admin.addInstanceUser("i1", "db", "n1");
        assertThat(instance.user()).isEqualTo("instance-i1");

        try (EtcdStore patroni = new EtcdStore(clientConfig(n1, Optional.of(instance)))) {
            patroni.put("/patroni/db:n1/leader", "i1");
            assertThat(patroni.get("/patroni/db:n1/leader")).isPresent();
            assertThat(patroni.getPrefix("/patroni/db:n1/")).containsOnlyKeys("/patroni/db:n1/leader");

            assertThatThrownBy(() -> patroni.put("/patroni/db:n10/leader", "x"))
                    .isInstanceOf(EtcdPermissionDeniedException.class)
                    .extracting(e -> ((EtcdException) e).failureKind()).isEqualTo(FailureKind.PERMANENT);
            assertThatThrownBy(() -> patroni.put("/patroni/db:n1x", "x"))
                    .isInstanceOf(EtcdPermissionDeniedException.class);
            assertThatThrownBy(() -> patroni.get("/patroni/db:n2/leader"))
                    .isInstanceOf(EtcdPermissionDeniedException.class);
            assertThatThrownBy(() -> patroni.get("/cp/hosts/h1")).isInstanceOf(EtcdPermissionDeniedException.class);
            assertThatThrownBy(() -> patroni.getPrefix("/patroni/")).isInstanceOf(EtcdPermissionDeniedException.class);
        }

        admin.removeInstanceUser("i1");
        admin.removeInstanceUser("i1");
        assertThat(admin.listUsers()).doesNotContain("instance-i1");
        assertThat(admin.listRoles()).doesNotContain("instance-i1");
    }

    @Test
    @Order(12)
    void hostUsersHaveTheRootRoleAndRemovalIsIdempotent() {
        EtcdCredentials h2 = admin.addHostUser("h2");
        try (EtcdAdmin asH2 = new EtcdAdmin(clientConfig(n1, Optional.of(h2)))) {
            assertThat(asH2.listUsers()).contains("host-h2");
        }
        admin.removeHostUser("h2");
        admin.removeHostUser("h2");
        assertThat(admin.listUsers()).doesNotContain("host-h2");
    }

    @Test
    @Order(20)
    void killedEtcdIsRestartedAndTheStoreWorksAgain() {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        Subscription watch = store.watchPrefix("/crash/", events::add);
        long lease = store.grantLease(Duration.ofSeconds(2));
        store.put("/crash/lease", "kept", lease);
        Subscription keepAlive = store.keepAlive(lease);
        long pid = n1.pid().orElseThrow();
        long began = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        eventually(Duration.ofSeconds(15), () -> n1.restartCount() >= 1 && n1.isHealthy());
        System.out.printf("MEASURE n1 restarted and healthy %d ms after kill -9%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        assertThat(n1.pid()).isPresent().isNotEqualTo(java.util.OptionalLong.of(pid));
        assertThat(EtcdTestSupport.processAlive(pid)).isFalse();

        eventually(Duration.ofSeconds(10), () -> {
            try {
                store.put("/after-crash", "ok");
                return true;
            } catch (EtcdUnavailableException e) {
                return false;
            }
        });
        assertThat(store.get("/cluster")).isPresent();
        assertThat(admin.listMembers()).hasSize(1);

        store.put("/crash/after", "seen");
        try (watch; keepAlive) {
            eventually(Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e.key().equals("/crash/after")));
            // a lease that nobody renews is gone one TTL (2 s) after the restart; this one outlives two
            holdsFor(Duration.ofSeconds(5), () -> store.get("/crash/lease").isPresent(),
                    "lease kept alive across the restart");
        }
        assertThat(events).extracting(WatchEvent::key).doesNotHaveDuplicates();
    }

    @Test
    @Order(30)
    void secondAndThirdMembersJoinAsVotersAndReceiveTheData() {
        EtcdMember n2 = member("n2");
        join(n2);
        EtcdMember n3 = member("n3");
        join(n3);

        ClusterStatus status = admin.status();
        assertThat(status.votingMembers()).isEqualTo(3);
        assertThat(status.leader()).isPresent();
        assertThat(status.members()).extracting(MemberInfo::name).containsExactlyInAnyOrder("n1", "n2", "n3");

        store.put("/replicated", "everywhere");
        try (EtcdStore onN3 = new EtcdStore(clientConfig(n3, Optional.of(hostCredentials)), KEY_ROOT)) {
            assertThat(onN3.get("/replicated").map(VersionedValue::value)).contains("everywhere");
            assertThat(onN3.get("/cluster")).isPresent();
        }
    }

    @Test
    @Order(31)
    void removingAMemberLeavesTwoAndRemovalBelowThreeIsRefused() {
        EtcdMember n3 = members.stream().filter(m -> m.config().name().equals("n3")).findFirst().orElseThrow();
        admin.removeMember("n3");

        assertThat(admin.status().votingMembers()).isEqualTo(2);
        eventually(Duration.ofSeconds(10), () -> !n3.isRunning());
        n3.close();

        assertThatThrownBy(() -> admin.removeMember("n2")).isInstanceOf(MemberRemovalRefusedException.class)
                .hasMessage("cannot remove a member from a cluster with less than three nodes");
        assertThat(admin.status().votingMembers()).isEqualTo(2);
        store.put("/still-writable", "yes");
    }

    @Test
    @Order(40)
    void closeLeavesNoEtcdProcessBehind() {
        List<Long> pids = members.stream().flatMap(m -> m.pid().stream().boxed()).toList();
        assertThat(pids).isNotEmpty();

        members.forEach(EtcdMember::close);

        assertThat(pids).allSatisfy(pid -> assertThat(EtcdTestSupport.processAlive(pid)).as("pid %d", pid).isFalse());
        assertThat(members).allSatisfy(m -> assertThat(m.pid()).isEmpty());
    }

    private void join(EtcdMember joining) {
        long began = System.nanoTime();
        AddedMember added = admin.addMember(joining.config().name(), joining.peerUrl());
        long addedAt = System.nanoTime();
        joining.join(added.initialCluster());
        System.out.printf("MEASURE %s: member add %d ms (incl. retries), healthy %d ms after add%n",
                joining.config().name(), TimeUnit.NANOSECONDS.toMillis(addedAt - began),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - addedAt));
    }

    private EtcdMember member(String name) {
        EtcdMember member = EtcdTestSupport.newMember(ca, root, name);
        members.add(member);
        return member;
    }

    private EtcdClientConfig clientConfig(EtcdMember target, Optional<EtcdCredentials> credentials) {
        return new EtcdClientConfig(List.of(target.clientUrl()), ca.certificatePem(),
                ca.issueClient(credentials.map(EtcdCredentials::user).orElse("root")), credentials,
                Duration.ofSeconds(5));
    }

    private <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    /**
     * Checks {@code condition} every 100 ms for {@code period} and fails at the first miss: for
     * behaviour that is only seen by lasting (a kept-alive lease outliving its TTL).
     */
    private static void holdsFor(Duration period, BooleanSupplier condition, String what) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("no longer true: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static void eventually(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("condition not met within " + timeout);
    }
}
