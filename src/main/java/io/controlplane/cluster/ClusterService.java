package io.controlplane.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.cluster.ClusterException.Kind;
import io.controlplane.common.Identifiers;
import io.controlplane.common.VersionInfo;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.config.GeneratedConfig;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdCredentials;
import io.controlplane.etcd.admin.AddedMember;
import io.controlplane.etcd.admin.EtcdAdmin;
import io.controlplane.etcd.admin.MemberInfo;
import io.controlplane.etcd.pki.CertificateBundle;
import io.controlplane.etcd.pki.ClusterCa;
import io.controlplane.etcd.pki.JoinToken;
import io.controlplane.etcd.server.EtcdMember;
import io.controlplane.etcd.server.EtcdMemberConfig;
import io.controlplane.etcd.store.EtcdStore;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * This host's membership in the cluster: init and join (pgEdge §2.3, §7), the embedded etcd member
 * or the etcd client, and the cluster store everything else uses. State that must survive a restart
 * lives in the data dir: certificates under {@code certificates/} and credentials in the generated
 * config; a restarted host comes back without joining again.
 */
@Service
public class ClusterService {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);
    /** How long one rejoin attempt waits for the embedded etcd member to see a quorum. */
    private static final Duration REJOIN_ATTEMPT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private final ControlPlaneConfig config;
    private final ClusterMembership membership;
    private final Path certDir;
    private final Path generatedConfig;
    private volatile EtcdMember member;
    private volatile EtcdStore store;
    private volatile EtcdClientConfig clientConfig;

    public ClusterService(ControlPlaneConfig config, ClusterMembership membership) {
        this.config = config;
        this.membership = membership;
        this.certDir = config.dataDir().resolve("certificates");
        this.generatedConfig = config.generatedConfigPath();
        if (storedCredentials().isPresent()) {
            membership.markRejoining();
        }
    }

    /** The cluster store; only valid once the host is part of a cluster. */
    public EtcdStore store() {
        EtcdStore s = store;
        if (s == null) {
            throw new ClusterException(Kind.NOT_INITIALIZED, "this operation is invalid on an uninitialized cluster");
        }
        return s;
    }

    public String hostId() {
        return config.hostId();
    }

    /** A new admin client with this host's credentials (role root); close it after use. */
    public EtcdAdmin admin() {
        store();
        return new EtcdAdmin(clientConfig);
    }

    /**
     * Rejoins the cluster after a restart, from the data dir; does nothing on a host that never joined.
     * Safe to call again after a failure: the embedded etcd member keeps running (it needs the other
     * members for a quorum, and they may start after this host), and what is done is not repeated.
     *
     * @return false on a host that never joined; true once reconnected
     * @throws ClusterException {@code SERVER_ERROR} while the cluster cannot be reached yet
     */
    public synchronized boolean resume() {
        if (membership.isInitialized()) {
            return true;
        }
        Optional<EtcdCredentials> credentials = storedCredentials();
        if (credentials.isEmpty()) {
            return false;
        }
        List<URI> endpoints = new ArrayList<>();
        if (config.etcd().embedded()) {
            if (member == null) {
                member = new EtcdMember(memberConfig());
                OrphanEtcd.stopIfRunning(config.dataDir());
                member.launch();
                OrphanEtcd.record(config.dataDir(), member.pid());
            }
            if (!member.awaitHealthy(REJOIN_ATTEMPT)) {
                throw new ClusterException(Kind.SERVER_ERROR, "the embedded etcd member has no quorum yet: waiting for"
                        + " the other members of the cluster to start");
            }
            endpoints.add(member.clientUrl());
        }
        if (store == null) {
            endpoints.addAll(storedEndpoints(GeneratedConfig.read(generatedConfig)));
            connect(distinct(endpoints), credentials.get());
        }
        publishHostRecord();
        membership.markInitialized();
        LOG.info("rejoined the cluster as host {} (etcd {})", config.hostId(), config.etcd().mode());
        return true;
    }

    /** The etcd credentials of a host that initialized or joined a cluster, from its data dir. */
    private Optional<EtcdCredentials> storedCredentials() {
        Map<String, Object> generated = GeneratedConfig.read(generatedConfig);
        Object user = generated.get("etcd_username");
        if (user == null || !Files.exists(certDir.resolve("ca.crt"))) {
            return Optional.empty();
        }
        return Optional.of(new EtcdCredentials(user.toString(), String.valueOf(generated.get("etcd_password"))));
    }

    /** {@code GET /v1/cluster/init}: a new cluster whose first member is this host. */
    public synchronized JoinTokenView init(Optional<String> requestedClusterId) {
        if (membership.state() != ClusterMembership.State.NOT_MEMBER) {
            throw new ClusterException(Kind.ALREADY_INITIALIZED, "this operation is invalid on an initialized cluster");
        }
        if (!config.etcd().embedded()) {
            throw new ClusterException(Kind.OPERATION_NOT_SUPPORTED,
                    "a host in etcd client mode cannot initialize a cluster; initialize it from a host in server mode");
        }
        String clusterId = requestedClusterId.orElse(UUID.randomUUID().toString());
        if (!Identifiers.isValid(clusterId)) {
            throw new ClusterException(Kind.INVALID_INPUT, "cluster_id: " + Identifiers.INVALID_MESSAGE);
        }
        ClusterCa ca = ClusterCa.create("control-plane-" + clusterId);
        CertificateBundle userCert = ca.issueClient(EtcdAdmin.hostUserName(config.hostId()));
        EtcdMember.installCertificates(certDir, ca.certificatePem(), issueServerCert(ca, config.peerAddresses()),
                userCert);
        member = new EtcdMember(memberConfig());
        OrphanEtcd.stopIfRunning(config.dataDir());
        member.bootstrap();
        OrphanEtcd.record(config.dataDir(), member.pid());
        List<URI> endpoints = List.of(member.clientUrl());
        EtcdCredentials root = EtcdAdmin.bootstrapAuth(EtcdClientConfig.withoutAuth(endpoints, ca.certificatePem(), userCert));
        EtcdCredentials hostCredentials;
        try (EtcdAdmin rootAdmin = new EtcdAdmin(EtcdClientConfig.of(endpoints, ca.certificatePem(), userCert, root))) {
            hostCredentials = rootAdmin.addHostUser(config.hostId());
        }
        JoinToken token = ca.newJoinToken();
        saveCredentials(hostCredentials, endpoints);
        connect(endpoints, hostCredentials);
        ObjectNode rootCa = JSON.createObjectNode().put("certificate", ca.certificatePem())
                .put("private_key", ca.toBundle().privateKeyPem()).put("join_token", token.value());
        store.put(Keys.ROOT_CA, rootCa.toString());
        store.put(Keys.CLUSTER, JSON.createObjectNode().put("id", clusterId).toString());
        publishHostRecord();
        membership.markInitialized();
        LOG.info("initialized cluster {} with host {}", clusterId, config.hostId());
        return new JoinTokenView(token.value(), serverUrls());
    }

    /** {@code GET /v1/cluster/join-token}. */
    public JoinTokenView joinToken() {
        return new JoinTokenView(rootCa().path("join_token").asText(), serverUrls());
    }

    public String clusterId() {
        return store().get(Keys.CLUSTER).map(v -> readTree(v.value()).path("id").asText()).orElse("");
    }

    /**
     * The internal join-options call on an existing member: checks the token in constant time, creates
     * the joining host's etcd user and certificates, and says where etcd is.
     */
    public JoinOptions joinOptions(String token, String joiningHostId, List<String> addresses, boolean embeddedEtcd) {
        JsonNode rootCa = rootCa();
        JoinToken expected = new JoinToken(rootCa.path("join_token").asText());
        if (token == null || !expected.matches(token)) {
            throw new ClusterException(Kind.INVALID_JOIN_TOKEN, "the join token is invalid");
        }
        if (!Identifiers.isValid(joiningHostId)) {
            throw new ClusterException(Kind.INVALID_INPUT, "host_id: " + Identifiers.INVALID_MESSAGE);
        }
        if (store.get(Keys.host(joiningHostId)).isPresent()) {
            throw new ClusterException(Kind.INVALID_INPUT,
                    "a host with ID " + joiningHostId + " already exists in the cluster");
        }
        ClusterCa ca = ClusterCa.fromPem(rootCa.path("certificate").asText(), rootCa.path("private_key").asText());
        EtcdCredentials credentials;
        List<String> endpoints = new ArrayList<>();
        try (EtcdAdmin admin = admin()) {
            credentials = admin.addHostUser(joiningHostId);
            for (MemberInfo m : admin.listMembers()) {
                m.clientUrls().forEach(u -> endpoints.add(u.toString()));
            }
        }
        CertificateBundle client = ca.issueClient(EtcdAdmin.hostUserName(joiningHostId));
        CertificateBundle server = embeddedEtcd ? issueServerCert(ca, addresses) : null;
        return new JoinOptions(clusterId(), credentials.user(), credentials.password(), ca.certificatePem(),
                client.certificatePem(), client.privateKeyPem(), server == null ? null : server.certificatePem(),
                server == null ? null : server.privateKeyPem(), endpoints);
    }

    /** {@code POST /v1/cluster/join}, after the joining host got its options from a member. */
    public synchronized void join(JoinOptions options) {
        if (membership.state() != ClusterMembership.State.NOT_MEMBER) {
            throw new ClusterException(Kind.ALREADY_INITIALIZED, "this operation is invalid on an initialized cluster");
        }
        CertificateBundle client = new CertificateBundle(options.clientCert(), options.clientKey());
        EtcdCredentials credentials = new EtcdCredentials(options.username(), options.password());
        List<URI> remote = options.etcdEndpoints().stream().map(URI::create).toList();
        List<URI> endpoints = new ArrayList<>();
        if (config.etcd().embedded()) {
            if (options.serverCert() == null) {
                throw new ClusterException(Kind.SERVER_ERROR, "the cluster did not issue an etcd server certificate");
            }
            EtcdMember.installCertificates(certDir, options.caCert(),
                    new CertificateBundle(options.serverCert(), options.serverKey()), client);
            member = new EtcdMember(memberConfig());
            OrphanEtcd.stopIfRunning(config.dataDir());
            AddedMember added;
            try (EtcdAdmin remoteAdmin = new EtcdAdmin(EtcdClientConfig.of(remote, options.caCert(), client, credentials))) {
                added = remoteAdmin.addMember(config.hostId(), member.peerUrl());
                try {
                    member.join(added.initialCluster());
                } catch (RuntimeException e) {
                    // an added member that never starts counts toward quorum: take it back out
                    LOG.warn("etcd member failed to start, removing it from the cluster again: {}", e.getMessage());
                    remoteAdmin.removeMember(added.id());
                    throw e;
                }
            }
            OrphanEtcd.record(config.dataDir(), member.pid());
            endpoints.add(member.clientUrl());
        } else {
            try {
                Files.createDirectories(certDir);
                Files.writeString(certDir.resolve("ca.crt"), options.caCert());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            client.writeTo(certDir, "etcd-user");
        }
        endpoints.addAll(remote);
        List<URI> all = distinct(endpoints);
        saveCredentials(credentials, all);
        connect(all, credentials);
        publishHostRecord();
        membership.markInitialized();
        LOG.info("joined cluster {} as host {} (etcd {})", options.clusterId(), config.hostId(), config.etcd().mode());
    }

    /** Where a joining host finds this cluster: one API URL per peer address. */
    public List<String> serverUrls() {
        return config.peerAddresses().stream()
                .map(a -> "http://" + (a.contains(":") ? "[" + a + "]" : a) + ":" + config.http().port()).toList();
    }

    public HostRecord localHostRecord() {
        int cpus = Runtime.getRuntime().availableProcessors();
        long memory = totalMemoryBytes();
        String version = VersionInfo.fromClasspath().version();
        return new HostRecord(config.hostId(), config.orchestrator(), config.dataDir().toString(), config.peerAddresses(),
                config.clientAddresses(), cpus, memory, config.etcd().mode(), config.http().port(), version);
    }

    @PreDestroy
    public synchronized void close() {
        EtcdStore s = store;
        store = null;
        if (s != null) {
            s.close();
        }
        if (member != null) {
            member.close();
            OrphanEtcd.forget(config.dataDir());
        }
    }

    private void publishHostRecord() {
        try {
            store.put(Keys.host(config.hostId()), JSON.writeValueAsString(localHostRecord()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void connect(List<URI> endpoints, EtcdCredentials credentials) {
        String ca = read(certDir.resolve("ca.crt"));
        CertificateBundle user = new CertificateBundle(read(certDir.resolve("etcd-user.crt")),
                read(certDir.resolve("etcd-user.key")));
        clientConfig = EtcdClientConfig.of(endpoints, ca, user, credentials);
        store = new EtcdStore(clientConfig, config.etcd().keyRoot());
    }

    private void saveCredentials(EtcdCredentials credentials, List<URI> endpoints) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("etcd_username", credentials.user());
        values.put("etcd_password", credentials.password());
        values.put("etcd_mode", config.etcd().mode());
        values.put("etcd_client.endpoints", endpoints.stream().map(URI::toString).toList());
        GeneratedConfig.update(generatedConfig, values);
    }

    private EtcdMemberConfig memberConfig() {
        String advertise = config.peerAddresses().get(0);
        boolean loopback = isLoopback(advertise);
        return EtcdMemberConfig.of(config.hostId(), config.dataDir().resolve("etcd"), certDir,
                        config.etcd().clientPort(), config.etcd().peerPort(), advertise)
                .withListenHost(loopback ? advertise : "0.0.0.0")
                .withBinary(Path.of(config.etcd().serverBinary()));
    }

    private static CertificateBundle issueServerCert(ClusterCa ca, List<String> addresses) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String a : addresses) {
            if (a.matches("[0-9.]+") || a.contains(":")) {
                ips.add(a);
            } else {
                dns.add(a);
            }
        }
        return ca.issueServer("etcd-server", dns, ips);
    }

    /** The cluster CA (stored in etcd), to issue certificates for instances. */
    public ClusterCa ca() {
        JsonNode rootCa = rootCa();
        return ClusterCa.fromPem(rootCa.path("certificate").asText(), rootCa.path("private_key").asText());
    }

    /**
     * Deletes keys outside {@code etcd_key_root}, e.g. a Patroni scope under {@code /patroni/}.
     * @return how many keys were deleted
     */
    public long deleteOutsideKeyRoot(String prefix) {
        store();
        try (EtcdStore rootless = new EtcdStore(clientConfig)) {
            return rootless.deletePrefix(prefix);
        }
    }

    /** Client URLs of every etcd member, e.g. for Patroni's DCS settings. */
    public List<URI> etcdClientUrls() {
        List<URI> urls = new ArrayList<>();
        try (EtcdAdmin admin = admin()) {
            admin.listMembers().forEach(m -> urls.addAll(m.clientUrls()));
        }
        return distinct(urls);
    }

    private JsonNode rootCa() {
        return store().get(Keys.ROOT_CA).map(v -> readTree(v.value()))
                .orElseThrow(() -> new ClusterException(Kind.SERVER_ERROR, "the cluster CA is missing from etcd"));
    }

    @SuppressWarnings("unchecked")
    private static List<URI> storedEndpoints(Map<String, Object> generated) {
        Object v = generated.get("etcd_client.endpoints");
        if (v instanceof List<?> list) {
            return ((List<Object>) list).stream().map(o -> URI.create(o.toString())).toList();
        }
        return List.of();
    }

    private static List<URI> distinct(List<URI> uris) {
        return List.copyOf(new LinkedHashSet<>(uris));
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static long totalMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /** The response of init and get-join-token. */
    public record JoinTokenView(String token, List<String> serverUrls) {
    }
}
