package io.controlplane.patroni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Patroni's REST API on one member ({@code http://<host>:<port>}). Unreachable members, timeouts and 5xx
 * answers are {@link TransientException}s (the step is retried), and so are the 4xx answers that mean
 * "not now" (see {@link #isRetryable}); every other 4xx answer is a {@link PermanentException} with
 * Patroni's body.
 */
public final class PatroniClient {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Restart and switchover wait for Postgres to stop and start again. */
    static final Duration SLOW_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Patroni's {@code postmaster_start_time}: {@code 2024-05-02 10:11:12.345678+00:00}. */
    private static final DateTimeFormatter POSTMASTER_START = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendPattern("XXX")
            .toFormatter();

    private final URI base;
    private final HttpClient http;

    public PatroniClient(String host, int port) {
        this.base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        // Patroni's server speaks HTTP/1.1 only.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** The member's own state; empty when nothing listens on the port (container down or starting). */
    public Optional<MemberStatus> status() {
        HttpResponse<String> response;
        try {
            response = send(request("/patroni", REQUEST_TIMEOUT).GET());
        } catch (TransientException e) {
            if (e.getCause() instanceof ConnectException) {
                return Optional.empty();
            }
            throw e;
        }
        // Patroni answers 503 with the same body while Postgres is not running.
        if (response.statusCode() != 200 && response.statusCode() != 503) {
            check(response, "GET /patroni");
        }
        return Optional.of(parseStatus(json(response, "GET /patroni")));
    }

    public ClusterView cluster() {
        HttpResponse<String> response = send(request("/cluster", REQUEST_TIMEOUT).GET());
        check(response, "GET /cluster");
        List<ClusterView.Member> members = new ArrayList<>();
        for (JsonNode m : json(response, "GET /cluster").path("members")) {
            JsonNode lag = m.path("lag");
            members.add(new ClusterView.Member(
                    m.path("name").asText(),
                    MemberRole.fromPatroni(m.path("role").asText(null)),
                    m.path("state").asText(""),
                    m.path("host").asText(""),
                    m.path("port").asInt(0),
                    m.path("timeline").asLong(0),
                    lag.isNumber() ? lag.asLong() : null,
                    m.path("pending_restart").asBoolean(false)));
        }
        return new ClusterView(members);
    }

    /** Re-reads {@code patroni.yaml} and reloads Postgres. */
    public void reload() {
        HttpResponse<String> response = send(request("/reload", REQUEST_TIMEOUT).POST(noBody()));
        check(response, "POST /reload");
    }

    /** Restarts Postgres inside the member; 503 (restart failed or already in progress) is transient. */
    public void restart() {
        HttpResponse<String> response = send(request("/restart", SLOW_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        check(response, "POST /restart");
    }

    /** Merges {@code patch} into the cluster's dynamic configuration; values of null remove keys. */
    public void patchConfig(Map<String, Object> patch) {
        HttpResponse<String> response = send(request("/config", REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(toJson(patch))));
        check(response, "PATCH /config");
    }

    /** Names of the permanent replication slots in the cluster's dynamic configuration. */
    public java.util.Set<String> permanentSlots() {
        HttpResponse<String> response = send(request("/config", REQUEST_TIMEOUT).GET());
        check(response, "GET /config");
        java.util.Set<String> names = new java.util.TreeSet<>();
        json(response, "GET /config").path("slots").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Declares a permanent logical slot: Patroni keeps it on the primary, copies it to the replicas and
     * advances it there, so it survives a switchover or failover (a slot it does not know it drops).
     */
    public void addPermanentLogicalSlot(String name, String database, String plugin) {
        Map<String, Object> slot = new LinkedHashMap<>();
        slot.put("type", "logical");
        slot.put("database", database);
        slot.put("plugin", plugin);
        patchConfig(Map.of("slots", Map.of(name, slot)));
    }

    /** Removes a permanent slot from the dynamic configuration (Patroni then drops it on the replicas). */
    public void removePermanentSlot(String name) {
        Map<String, Object> slots = new LinkedHashMap<>();
        slots.put(name, null);
        patchConfig(Map.of("slots", slots));
    }

    /** Switches the leader over to {@code candidate}; call it on any member. */
    public void switchover(String leader, String candidate) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leader", leader);
        body.put("candidate", candidate);
        HttpResponse<String> response = send(request("/switchover", SLOW_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(toJson(body))));
        check(response, "POST /switchover");
    }

    /**
     * Asks for a switchover from {@code leader} to {@code candidate} and returns Patroni's answer: it waits
     * up to {@code max(10, loop_wait) * 2} s for the new leader before it answers. 200, 412 and 503 come
     * back as answers; an unreachable member and other statuses throw as every call does.
     */
    public LeaderChangeAnswer requestSwitchover(String leader, String candidate) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leader", leader);
        body.put("candidate", candidate);
        return leaderChange("/switchover", body);
    }

    /**
     * Asks for a failover to {@code candidate} without naming the leader, so that it works while the
     * leader is down (its key still held until it expires or it comes back and hands over).
     */
    public LeaderChangeAnswer requestFailover(String candidate) {
        return leaderChange("/failover", Map.of("candidate", candidate));
    }

    private LeaderChangeAnswer leaderChange(String path, Map<String, Object> body) {
        HttpResponse<String> response = send(request(path, SLOW_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(toJson(body))));
        int code = response.statusCode();
        if (code == 200 || code == 412 || code == 503) {
            return new LeaderChangeAnswer(code, response.body().strip());
        }
        check(response, "POST " + path);
        return new LeaderChangeAnswer(code, response.body().strip());
    }

    @Override
    public String toString() {
        return "PatroniClient[" + base + "]";
    }

    static MemberStatus parseStatus(JsonNode n) {
        JsonNode xlog = n.path("xlog");
        long position = xlog.has("location") ? xlog.path("location").asLong(0) : xlog.path("replayed_location").asLong(0);
        List<MemberStatus.Replication> replication = new ArrayList<>();
        for (JsonNode r : n.path("replication")) {
            replication.add(new MemberStatus.Replication(r.path("usename").asText(""),
                    r.path("application_name").asText(""), r.path("client_addr").asText(""),
                    r.path("state").asText(""), r.path("sync_state").asText("")));
        }
        return new MemberStatus(
                n.path("state").asText("unknown"),
                MemberRole.fromPatroni(n.path("role").asText(null)),
                n.path("pending_restart").asBoolean(false),
                n.path("server_version").asInt(0),
                n.path("timeline").asLong(0),
                position,
                xlog.path("received_location").asLong(0),
                n.hasNonNull("replication_state") ? n.path("replication_state").asText() : null,
                replication,
                n.path("pause").asBoolean(false),
                postmasterStart(n.path("postmaster_start_time").asText(null)));
    }

    static Instant postmasterStart(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text.strip(), POSTMASTER_START).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        String what = request.method() + " " + request.uri();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new TransientException("Patroni did not answer " + what + " in time", e);
        } catch (ConnectException e) {
            throw new TransientException("Patroni is not reachable for " + what + ": connection refused", e);
        } catch (IOException e) {
            throw new TransientException("Patroni request " + what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted during " + what, e);
        }
    }

    private void check(HttpResponse<String> response, String what) {
        int code = response.statusCode();
        if (code >= 200 && code < 300) {
            return;
        }
        String message = "Patroni " + base + " answered " + what + " with " + code + ": " + response.body().strip();
        if (code >= 400 && code < 500 && !isRetryable(code)) {
            throw new PermanentException(message);
        }
        throw new TransientException(message);
    }

    /**
     * 4xx answers that a later call may not get: 409 is Patroni's answer to a {@code PATCH /config} that
     * raced with another change of the dynamic configuration; 408 and 429 are the usual "not now".
     */
    static boolean isRetryable(int code) {
        return code == 408 || code == 409 || code == 429;
    }

    private JsonNode json(HttpResponse<String> response, String what) {
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new TransientException("Patroni " + base + " answered " + what + " with invalid JSON", e);
        }
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + value, e);
        }
    }

    private static HttpRequest.BodyPublisher noBody() {
        return HttpRequest.BodyPublishers.noBody();
    }
}
