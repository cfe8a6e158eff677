package io.controlplane.api;

import io.controlplane.cluster.ClusterException;
import io.controlplane.cluster.ClusterMembership;
import io.controlplane.cluster.ClusterService;
import io.controlplane.cluster.HostService;
import io.controlplane.cluster.JoinClient;
import io.controlplane.cluster.JoinOptions;
import io.controlplane.common.Identifiers;
import io.controlplane.database.operation.HostRemoval;
import io.controlplane.etcd.pki.JoinToken;
import io.controlplane.orchestrator.ImageManifest;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Cluster and host endpoints (reference §2.2 #1–8). */
@RestController
class ClusterController {

    private final ClusterService cluster;
    private final HostService hosts;
    private final ClusterMembership membership;
    private final HostRemoval hostRemoval;
    private final ImageManifest manifest;
    private final JoinClient joinClient = new JoinClient();

    ClusterController(ClusterService cluster, HostService hosts, ClusterMembership membership, HostRemoval hostRemoval,
                      ImageManifest manifest) {
        this.hostRemoval = hostRemoval;
        this.manifest = manifest;
        this.cluster = cluster;
        this.hosts = hosts;
        this.membership = membership;
    }

    record JoinRequest(String token, List<String> serverUrls) {
    }

    record JoinOptionsRequest(String token, String hostId, List<String> addresses, Boolean embeddedEtcdEnabled) {
    }

    record ClusterJson(String id, Map<String, String> status, List<HostJson> hosts) {
    }

    record HostListJson(List<HostJson> hosts) {
    }

    record HostJson(String id, String orchestrator, String dataDir, List<String> peerAddresses,
                    List<String> clientAddresses, Integer cpus, String memory, String etcdMode,
                    VersionJson defaultPgedgeVersion, List<VersionJson> supportedPgedgeVersions, HostStatusJson status) {
    }

    /**
     * pgEdge's name for a Postgres + replication-extension pair. Our images replicate with pglogical, so
     * {@code spock_version} is the pglogical version the image ships (pgEdge's clients require the field).
     */
    record VersionJson(String postgresVersion, String spockVersion) {

        static VersionJson of(ImageManifest.Entry image) {
            return new VersionJson(image.postgresVersion(), image.pglogicalVersion());
        }
    }

    record HostStatusJson(String state, String updatedAt, Map<String, ComponentJson> components) {
    }

    record ComponentJson(boolean healthy, String error) {
    }

    record RemoveHostJson(TaskView.TaskJson task, List<TaskView.TaskJson> updateDatabaseTasks) {
    }

    @GetMapping("/v1/cluster/init")
    @Tag(name = "Cluster")
    @Operation(operationId = "init-cluster", summary = "Initialize a new cluster with this host as its first member")
    ClusterService.JoinTokenView init(@RequestParam(name = "cluster_id", required = false) String clusterId) {
        ClusterService.JoinTokenView token = cluster.init(Optional.ofNullable(clusterId));
        hosts.beat(); // healthy at once, not at the next heartbeat: a database can be created right away
        return token;
    }

    @PostMapping("/v1/cluster/join")
    @Tag(name = "Cluster")
    @Operation(operationId = "join-cluster", summary = "Join this host to an existing cluster")
    ResponseEntity<Void> join(@RequestBody JoinRequest request) {
        if (membership.isInitialized()) {
            throw ApiException.clusterAlreadyInitialized();
        }
        if (request.token() == null || request.serverUrls() == null || request.serverUrls().isEmpty()) {
            throw ApiException.invalidInput("token and server_urls are required");
        }
        if (!JoinToken.isWellFormed(request.token())) {
            throw ApiException.invalidInput("token: must match ^CP-[0-9a-f]{64}-[0-9a-f]{32}$");
        }
        for (String url : request.serverUrls()) {
            if (!validHttpUrl(url)) {
                throw ApiException.invalidInput("server_urls: \"" + url + "\" is not an http(s) URL");
            }
        }
        JoinOptions options = joinClient.requestOptions(request.serverUrls(), request.token(), cluster.hostId(),
                cluster.localHostRecord().peerAddresses(), "server".equals(cluster.localHostRecord().etcdMode()));
        cluster.join(options);
        hosts.beat();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/v1/cluster/join-token")
    @Tag(name = "Cluster")
    @Operation(operationId = "get-join-token", summary = "The token other hosts use to join")
    ClusterService.JoinTokenView joinToken() {
        return cluster.joinToken();
    }

    @PostMapping("/v1/internal/cluster/join-options")
    @Hidden
    JoinOptions joinOptions(@RequestBody JoinOptionsRequest request) {
        return cluster.joinOptions(request.token(), request.hostId(),
                request.addresses() == null ? List.of() : request.addresses(),
                Boolean.TRUE.equals(request.embeddedEtcdEnabled()));
    }

    @GetMapping("/v1/cluster")
    @Tag(name = "Cluster")
    @Operation(operationId = "get-cluster", summary = "The cluster and its hosts")
    ClusterJson getCluster() {
        return new ClusterJson(cluster.clusterId(), Map.of("state", "available"),
                hosts.list().stream().map(this::host).toList());
    }

    @GetMapping("/v1/hosts")
    @Tag(name = "Host")
    @Operation(operationId = "list-hosts", summary = "List the hosts of the cluster with their health")
    HostListJson listHosts() {
        return new HostListJson(hosts.list().stream().map(this::host).toList());
    }

    @GetMapping("/v1/hosts/{host_id}")
    @Tag(name = "Host")
    @Operation(operationId = "get-host", summary = "Get a host with its health")
    HostJson getHost(@PathVariable("host_id") String hostId) {
        identifier(hostId);
        return hosts.find(hostId).map(this::host)
                .orElseThrow(() -> ApiException.notFound("host not found"));
    }

    @DeleteMapping("/v1/hosts/{host_id}")
    @Tag(name = "Host")
    @Operation(operationId = "remove-host", summary = "Remove a host from the cluster (process remove-host)")
    RemoveHostJson removeHost(@PathVariable("host_id") String hostId,
                              @RequestParam(required = false, defaultValue = "false") boolean force) {
        identifier(hostId);
        hosts.checkRemovable(hostId, force);
        HostRemoval.Started removal = hostRemoval.start(hostId, force, cluster.hostId());
        return new RemoveHostJson(TaskView.of(removal.task()),
                removal.databaseUpdates().stream().map(TaskView::of).toList());
    }

    @ExceptionHandler(ClusterException.class)
    ResponseEntity<ApiError> clusterError(ClusterException e) {
        ApiException api = switch (e.kind()) {
            case INVALID_INPUT -> ApiException.invalidInput(e.getMessage());
            case OPERATION_NOT_SUPPORTED -> ApiException.operationNotSupported(e.getMessage());
            case INVALID_JOIN_TOKEN -> ApiException.invalidJoinToken(e.getMessage());
            case NOT_FOUND -> ApiException.notFound(e.getMessage());
            case ALREADY_INITIALIZED -> ApiException.clusterAlreadyInitialized();
            case NOT_INITIALIZED -> ApiException.clusterNotInitialized();
            case SERVER_ERROR -> new ApiException("server_error", HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
        };
        return ResponseEntity.status(api.status()).body(api.body());
    }

    private HostJson host(HostService.HostView v) {
        Map<String, ComponentJson> components = new java.util.TreeMap<>();
        v.components().forEach((k, c) -> components.put(k, new ComponentJson(c.healthy(), c.error())));
        return new HostJson(v.record().id(), v.record().orchestrator(), v.record().dataDir(),
                v.record().peerAddresses(), v.record().clientAddresses(), v.record().cpus(),
                humanBytes(v.record().memoryBytes()), v.record().etcdMode(),
                VersionJson.of(manifest.defaultEntry()),
                manifest.postgres().stream().map(VersionJson::of).toList(),
                new HostStatusJson(v.state(), v.statusUpdatedAt(), components));
    }

    static String humanBytes(long bytes) {
        long gb = Math.round(bytes / 1e9);
        return gb >= 1 ? gb + "GB" : Math.round(bytes / 1e6) + "MB";
    }

    private static boolean validHttpUrl(String url) {
        try {
            URI u = URI.create(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void identifier(String hostId) {
        if (!Identifiers.isValid(hostId)) {
            throw ApiException.invalidInput("host_id: " + Identifiers.INVALID_MESSAGE);
        }
    }
}
