package io.controlplane.etcd.admin;

import io.controlplane.patroni.PatroniKeys;

import io.controlplane.etcd.EtcdCalls;
import io.controlplane.etcd.EtcdClientConfig;
import io.controlplane.etcd.EtcdClients;
import io.controlplane.etcd.EtcdCredentials;
import io.controlplane.etcd.EtcdException;
import io.controlplane.etcd.EtcdUnavailableException;
import io.controlplane.patroni.PatroniKeys;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberAddResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, roles and membership of the etcd cluster. Needs a client whose user has the {@code root}
 * role (the {@code root} user or a {@code host-<id>} user), except {@link #bootstrapAuth} which
 * runs before auth exists.
 */
public final class EtcdAdmin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdAdmin.class);

    public static final String ROOT = "root";
    /** How long {@link #addMember} keeps retrying while etcd reports an unhealthy cluster. */
    public static final Duration ADD_MEMBER_RETRY = Duration.ofSeconds(30);

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EtcdClientConfig config;
    private final Client client;

    public EtcdAdmin(EtcdClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = EtcdClients.create(config);
    }

    /**
     * Turns on auth on a fresh member: role {@code root}, user {@code root} with a random password
     * and that role (etcd refuses {@code auth enable} otherwise), then {@code auth enable}. Safe to
     * repeat after a crash half-way, as long as auth is not on yet.
     *
     * @param withoutAuth a config without credentials (auth is still off)
     * @return the root credentials; keep them, there is no other way to log in as root
     */
    public static EtcdCredentials bootstrapAuth(EtcdClientConfig withoutAuth) {
        if (withoutAuth.credentials().isPresent()) {
            throw new IllegalArgumentException("bootstrapAuth needs a config without credentials");
        }
        try (EtcdAdmin admin = new EtcdAdmin(withoutAuth)) {
            EtcdCredentials root = new EtcdCredentials(ROOT, randomPassword());
            admin.ensureRole(ROOT);
            admin.ensureUser(root);
            admin.grantRole(ROOT, ROOT);
            admin.call(() -> admin.auth().authEnable(), "auth enable");
            LOG.info("etcd auth enabled");
            return root;
        }
    }

    /** Creates (or resets the password of) {@code host-<hostId>} with role {@code root}. */
    public EtcdCredentials addHostUser(String hostId) {
        EtcdCredentials credentials = new EtcdCredentials(hostUserName(hostId), randomPassword());
        ensureUser(credentials);
        grantRole(credentials.user(), ROOT);
        return credentials;
    }

    public void removeHostUser(String hostId) {
        deleteUser(hostUserName(hostId));
    }

    /**
     * Creates (or resets) user and role {@code instance-<instanceId>} that may read and write only
     * the Patroni scope {@code /patroni/<databaseId>:<nodeName>/}. The trailing slash keeps node
     * {@code n1} from also covering {@code n10}.
     */
    public EtcdCredentials addInstanceUser(String instanceId, String databaseId, String nodeName) {
        return addInstanceUser(instanceId, databaseId, nodeName, randomPassword());
    }

    /** Like {@link #addInstanceUser(String, String, String)} with a given password, so a rerun changes nothing. */
    public EtcdCredentials addInstanceUser(String instanceId, String databaseId, String nodeName, String password) {
        requireId(databaseId, "database id");
        requireId(nodeName, "node name");
        String name = instanceUserName(instanceId);
        EtcdCredentials credentials = new EtcdCredentials(name, password);
        ensureRole(name);
        String prefix = patroniPrefix(databaseId, nodeName);
        call(() -> auth().roleGrantPermission(bytes(name), bytes(prefix), bytes(prefixEnd(prefix)), Permission.Type.READWRITE),
                "grant " + prefix + " to role " + name);
        ensureUser(credentials);
        grantRole(name, name);
        return credentials;
    }

    public void removeInstanceUser(String instanceId) {
        String name = instanceUserName(instanceId);
        deleteUser(name);
        deleteRole(name);
    }

    /** Deletes a user; a missing user is fine. */
    public void deleteUser(String user) {
        try {
            call(() -> auth().userDelete(bytes(user)), "delete user " + user);
        } catch (EtcdException e) {
            if (!isNotFound(e)) {
                throw e;
            }
        }
    }

    /** Deletes a role; a missing role is fine. */
    public void deleteRole(String role) {
        try {
            call(() -> auth().roleDelete(bytes(role)), "delete role " + role);
        } catch (EtcdException e) {
            if (!isNotFound(e)) {
                throw e;
            }
        }
    }

    public List<String> listUsers() {
        return call(() -> auth().userList(), "list users").getUsers();
    }

    public List<String> listRoles() {
        return call(() -> auth().roleList(), "list roles").getRoles();
    }

    public List<MemberInfo> listMembers() {
        return call(() -> client.getClusterClient().listMember(), "list members").getMembers().stream()
                .map(EtcdAdmin::toInfo).toList();
    }

    public ClusterStatus status() {
        List<MemberInfo> members = listMembers();
        String endpoint = config.endpoints().get(0).toString();
        var status = call(() -> client.getMaintenanceClient().statusMember(endpoint), "status of " + endpoint);
        Optional<MemberId> leader = status.getLeader() == 0 ? Optional.empty() : Optional.of(new MemberId(status.getLeader()));
        return new ClusterStatus(members, leader, status.getVersion());
    }

    /**
     * Adds a voting member (jetcd 0.8.5 cannot promote learners). Start the new etcd in join mode
     * right after: until it runs, the cluster counts it for quorum. etcd refuses additions with
     * "unhealthy cluster" until the leader has seen every voter for a few seconds (right after
     * bootstrap, or while another added member has not started), so this retries for up to
     * {@link #ADD_MEMBER_RETRY}. Re-adding a peer URL that was added but never started returns that
     * member again.
     */
    public AddedMember addMember(String name, URI peerUrl) {
        requireId(name, "member name");
        return whileUnhealthy("add member " + name, () -> {
            List<MemberInfo> existing = listMembers();
            Optional<MemberInfo> same = existing.stream().filter(m -> m.peerUrls().contains(peerUrl)).findFirst();
            if (same.isPresent()) {
                if (same.get().started() && !same.get().name().equals(name)) {
                    throw new EtcdException("peer URL " + peerUrl + " already belongs to started member "
                            + same.get().name());
                }
                return new AddedMember(same.get().id(), initialCluster(existing, same.get().id(), name), existing);
            }
            MemberAddResponse response = call(() -> client.getClusterClient().addMember(List.of(peerUrl), false),
                    "add member " + name);
            MemberId id = new MemberId(response.getMember().getId());
            List<MemberInfo> members = response.getMembers().stream().map(EtcdAdmin::toInfo).toList();
            LOG.info("added etcd member {} ({}) at {}", name, id, peerUrl);
            return new AddedMember(id, initialCluster(members, id, name), members);
        });
    }

    /**
     * Removes a member; a member that is already gone is fine.
     *
     * @throws MemberRemovalRefusedException when the cluster has fewer than three voting members
     */
    public void removeMember(MemberId id) {
        List<MemberInfo> members = listMembers();
        if (members.stream().noneMatch(m -> m.id().equals(id))) {
            return;
        }
        if (members.stream().filter(m -> !m.learner()).count() < 3) {
            throw new MemberRemovalRefusedException();
        }
        // etcd also refuses removals with "unhealthy cluster" while a voter joined only seconds ago
        whileUnhealthy("remove member " + id, () -> {
            try {
                call(() -> client.getClusterClient().removeMember(id.value()), "remove member " + id);
                LOG.info("removed etcd member {}", id);
            } catch (EtcdException e) {
                if (!isNotFound(e)) {
                    throw e;
                }
            }
            return id;
        });
    }

    /** Removes the member with this name, if any (see {@link #removeMember(MemberId)}). */
    public void removeMember(String name) {
        Optional<MemberInfo> member = listMembers().stream().filter(m -> m.name().equals(name)).findFirst();
        member.ifPresent(m -> removeMember(m.id()));
    }

    @Override
    public void close() {
        client.close();
    }

    public static String hostUserName(String hostId) {
        requireId(hostId, "host id");
        return "host-" + hostId;
    }

    public static String instanceUserName(String instanceId) {
        requireId(instanceId, "instance id");
        return "instance-" + instanceId;
    }

    /** The Patroni DCS prefix of one database node, with the trailing slash. */
    public static String patroniPrefix(String databaseId, String nodeName) {
        return PatroniKeys.nodePrefix(databaseId, nodeName);
    }

    private void ensureRole(String role) {
        try {
            call(() -> auth().roleAdd(bytes(role)), "add role " + role);
        } catch (EtcdException e) {
            if (!isAlreadyExists(e)) {
                throw e;
            }
        }
    }

    private void ensureUser(EtcdCredentials credentials) {
        try {
            call(() -> auth().userAdd(bytes(credentials.user()), bytes(credentials.password())),
                    "add user " + credentials.user());
        } catch (EtcdException e) {
            if (!isAlreadyExists(e)) {
                throw e;
            }
            call(() -> auth().userChangePassword(bytes(credentials.user()), bytes(credentials.password())),
                    "change password of " + credentials.user());
        }
    }

    private void grantRole(String user, String role) {
        call(() -> auth().userGrantRole(bytes(user), bytes(role)), "grant role " + role + " to " + user);
    }

    /**
     * Retries membership changes that etcd's strict reconfiguration check refuses with "unhealthy
     * cluster" (the leader must have seen every voter for 5 s), for up to {@link #ADD_MEMBER_RETRY}.
     */
    private <T> T whileUnhealthy(String what, Supplier<T> change) {
        Instant deadline = Instant.now().plus(ADD_MEMBER_RETRY);
        Duration backoff = Duration.ofMillis(250);
        while (true) {
            try {
                return change.get();
            } catch (EtcdException e) {
                boolean retriable = e instanceof EtcdUnavailableException
                        || String.valueOf(e.getMessage()).contains("unhealthy cluster");
                if (!retriable || Instant.now().plus(backoff).isAfter(deadline)) {
                    throw e;
                }
                LOG.info("{}: etcd refused for now ({}); retrying in {} ms", what, e.getMessage(), backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2)
                        : backoff.multipliedBy(2);
            }
        }
    }

    private Auth auth() {
        return client.getAuthClient();
    }

    /**
     * jetcd re-authenticates only in its KV, lease and election clients; the auth, cluster and
     * maintenance clients keep failing with "invalid auth token" once etcd forgot the token (after
     * a restart, or 5 minutes idle with simple tokens). A KV read makes jetcd fetch a new token for
     * the whole client, then the call is repeated once.
     */
    private <T> T call(Supplier<CompletableFuture<T>> operation, String what) {
        try {
            return EtcdCalls.await(operation.get(), config.requestTimeout(), what);
        } catch (EtcdException e) {
            if (!EtcdCalls.isInvalidAuthToken(e) || config.credentials().isEmpty()) {
                throw e;
            }
            LOG.debug("etcd auth token expired during {}; re-authenticating", what);
            try {
                EtcdCalls.await(client.getKVClient().get(bytes("/")), config.requestTimeout(), "re-authenticate");
            } catch (EtcdException ignored) {
                // only the token refresh matters, not whether this key may be read
            }
            return EtcdCalls.await(operation.get(), config.requestTimeout(), what);
        }
    }

    private static String initialCluster(List<MemberInfo> members, MemberId newId, String newName) {
        List<String> entries = new ArrayList<>();
        for (MemberInfo member : members) {
            String name = member.id().equals(newId) ? newName : member.name();
            for (URI url : member.peerUrls()) {
                entries.add(name + "=" + url);
            }
        }
        return String.join(",", entries);
    }

    private static MemberInfo toInfo(Member member) {
        return new MemberInfo(new MemberId(member.getId()), member.getName() == null ? "" : member.getName(),
                member.getPeerURIs(), member.getClientURIs(), member.isLearner());
    }

    /** A printable (base64url) secret; Patroni puts it in YAML and etcdctl in a --user argument. */
    static String randomPassword() {
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The end of a prefix range: the prefix with its last byte incremented ("/" becomes "0"). */
    static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static boolean isAlreadyExists(EtcdException e) {
        return String.valueOf(e.getMessage()).contains("already exists");
    }

    private static boolean isNotFound(EtcdException e) {
        return String.valueOf(e.getMessage()).contains("not found");
    }

    private static void requireId(String id, String what) {
        Objects.requireNonNull(id, what);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid " + what + ": " + id);
        }
    }

    private static ByteSequence bytes(String value) {
        return ByteSequence.from(value, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdException("interrupted", e);
        }
    }
}
