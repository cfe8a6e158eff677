package io.controlplane.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;

/**
 * A small JSON HTTP client for tests that talk to a real server. Every {@code /v1} response it receives
 * is checked against pgEdge's OpenAPI document ({@link ApiContract}): a body that does not conform fails
 * the test.
 */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }
    }

    private Http() {
    }

    public static Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public static Response getWithBasicAuth(String url, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic " + token).GET());
    }

    public static Response post(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public static Response delete(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    }

    /** Any method, any content type, any body (null: none): for requests a well-behaved client never sends. */
    public static Response raw(String method, String url, String contentType, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    private static Response send(HttpRequest.Builder builder) {
        try {
            HttpRequest request = builder.timeout(Duration.ofSeconds(60)).build();
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            ApiContract.get().check(request.method(), request.uri(), r.statusCode(), r.body());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
