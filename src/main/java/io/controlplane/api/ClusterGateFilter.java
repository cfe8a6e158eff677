package io.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cluster.ClusterMembership;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Before the cluster exists, every {@code /v1} path except version, the OpenAPI document, init and join
 * answers 409 {@code cluster_not_initialized}, whether or not the endpoint is served yet. A host whose
 * data dir says it belongs to a cluster answers 503 {@code host_starting} on those paths (init and join
 * included) until it has reconnected, never that the cluster does not exist.
 */
@Component
class ClusterGateFilter extends OncePerRequestFilter {

    private static final Set<String> ALWAYS_OPEN = Set.of("/v1/version", "/v1/openapi.json");
    private static final Set<String> OPEN_BEFORE_INIT = Set.of("/v1/cluster/init", "/v1/cluster/join");
    private static final int RETRY_AFTER_SECONDS = 2;

    private final ClusterMembership membership;
    private final ObjectMapper json = new ObjectMapper();

    ClusterGateFilter(ClusterMembership membership) {
        this.membership = membership;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/v1") || path.startsWith("/v1/")) || ALWAYS_OPEN.contains(stripTrailingSlash(path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ApiException e;
        switch (membership.state()) {
            case MEMBER -> {
                chain.doFilter(request, response);
                return;
            }
            case REJOINING -> {
                e = ApiException.hostStarting(membership.rejoinProblem());
                response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            }
            default -> {
                if (OPEN_BEFORE_INIT.contains(stripTrailingSlash(request.getRequestURI()))) {
                    chain.doFilter(request, response);
                    return;
                }
                e = ApiException.clusterNotInitialized();
            }
        }
        response.setStatus(e.status().value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), e.body());
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
