package io.controlplane.etcd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdTestSupport;
import io.controlplane.etcd.pki.ClusterCa;
import io.controlplane.etcd.store.EtcdStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EtcdMemberTest {

    private static final ClusterCa CA = ClusterCa.create("cp-member-test");

    private Path root;
    private final List<EtcdMember> members = new ArrayList<>();

    @BeforeAll
    static void requireEtcd() {
        EtcdTestSupport.requireEtcdBinary();
    }

    @BeforeEach
    void createRoot() throws Exception {
        root = Files.createTempDirectory("etcd-member-test");
    }

    @AfterEach
    void cleanUp() {
        members.forEach(EtcdMember::close);
        EtcdTestSupport.deleteRecursively(root);
    }

    @Test
    void missingBinaryFailsWithAnInstallHint() {
        EtcdMember member = track(new EtcdMember(newMember("nobin").config().withBinary(Path.of("/nonexistent/etcd"))));

        assertThatThrownBy(member::bootstrap).isInstanceOf(EtcdMemberException.class)
                .hasMessageContaining("/nonexistent/etcd").hasMessageContaining("apt-get install -y etcd-server");
    }

    @Test
    void failedStartReportsTheTailOfTheEtcdLog() throws Exception {
        EtcdMember member = newMember("busy");
        try (ServerSocket taken = new ServerSocket(member.config().clientPort(), 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(member::bootstrap).isInstanceOf(EtcdMemberException.class)
                    .hasMessageContaining("bootstrap failed")
                    .hasMessageContaining("address already in use");
        }
        assertThat(member.pid()).isEmpty();
    }

    @Test
    void startRefusesAnEmptyDataDirAndBootstrapRefusesAnExistingOne() {
        EtcdMember member = newMember("modes");
        assertThatThrownBy(member::start).isInstanceOf(EtcdMemberException.class).hasMessageContaining("holds no member");
        assertThatThrownBy(() -> member.join("other=https://127.0.0.1:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not list this member");
    }

    @Test
    void restartOnAnExistingDataDirKeepsDataWithoutInitialClusterFlags() {
        EtcdMember first = newMember("restart");
        first.bootstrap();
        EtcdClientConfig client = EtcdClientConfig.withoutAuth(List.of(first.clientUrl()), CA.certificatePem(),
                CA.issueClient("root"));
        try (EtcdStore store = new EtcdStore(client)) {
            store.put("/kept", "yes");
        }
        long firstPid = first.pid().orElseThrow();
        first.close();
        assertThat(EtcdTestSupport.processAlive(firstPid)).isFalse();
        assertThat(first.hasData()).isTrue();

        EtcdMember again = track(new EtcdMember(first.config()));
        assertThatThrownBy(again::bootstrap).isInstanceOf(EtcdMemberException.class).hasMessageContaining("use start()");
        again.start();

        try (EtcdStore store = new EtcdStore(client)) {
            assertThat(store.get("/kept")).hasValueSatisfying(v -> assertThat(v.value()).isEqualTo("yes"));
        }
    }

    private EtcdMember newMember(String name) {
        return track(EtcdTestSupport.newMember(CA, root, name));
    }

    private EtcdMember track(EtcdMember member) {
        members.add(member);
        return member;
    }
}
