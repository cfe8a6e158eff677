package io.controlplane.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.controlplane.cluster.ClusterException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The joining side of join: finds a member that answers and asks it for join options. */
public final class JoinClient {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final Map<String, Kind> KINDS = Map.of(
            "invalid_join_token", Kind.INVALID_JOIN_TOKEN,
            "invalid_input", Kind.INVALID_INPUT,
            "cluster_not_initialized", Kind.INVALID_INPUT,
            "operation_not_supported", Kind.OPERATION_NOT_SUPPORTED);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public JoinOptions requestOptions(List<String> serverUrls, String token, String hostId, List<String> addresses,
                                      boolean embeddedEtcd) {
        String server = serverUrls.stream().filter(this::answers).findFirst().orElseThrow(() ->
                new ClusterException(Kind.INVALID_INPUT, "none of the server_urls answered: " + serverUrls));
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("token", token, "host_id", hostId, "addresses", addresses,
                    "embedded_etcd_enabled", embeddedEtcd));
        } catch (IOException e) {
            throw new ClusterException(Kind.SERVER_ERROR, "cannot encode the join request", e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(strip(server) + "/v1/internal/cluster/join-options"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return JSON.readValue(response.body(), JoinOptions.class);
            }
            JsonNode error = JSON.readTree(response.body());
            Kind kind = KINDS.getOrDefault(error.path("name").asText(), Kind.SERVER_ERROR);
            throw new ClusterException(kind, error.path("message").asText("join refused by " + server));
        } catch (IOException e) {
            throw new ClusterException(Kind.SERVER_ERROR, "join request to " + server + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(Kind.SERVER_ERROR, "interrupted while joining", e);
        }
    }

    private boolean answers(String serverUrl) {
        try {
            HttpRequest probe = HttpRequest.newBuilder(URI.create(strip(serverUrl) + "/v1/version"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
