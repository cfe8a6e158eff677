package io.controlplane.engine;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /engine-rest} is open by default in Camunda; require HTTP basic auth against engine users.
 * Camunda's own filter lets the engine list ({@code /engine-rest/engine}) through anonymously, so a
 * small filter in front of it closes that too: nothing under {@code /engine-rest} answers without login.
 */
@Configuration
class EngineRestSecurity {

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> bean =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        bean.addUrlPatterns("/engine-rest/*");
        bean.addInitParameter("authentication-provider",
                "org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider");
        bean.setName("engine-rest-authentication");
        bean.setOrder(2);
        return bean;
    }

    @Bean
    FilterRegistrationBean<EngineListAuthentication> engineListAuthentication(IdentityService identity) {
        FilterRegistrationBean<EngineListAuthentication> bean =
                new FilterRegistrationBean<>(new EngineListAuthentication(identity));
        bean.addUrlPatterns("/engine-rest/engine", "/engine-rest/engine/");
        bean.setName("engine-rest-engine-list-authentication");
        bean.setOrder(1);
        return bean;
    }

    /**
     * Deployments and starts of operations through the engine's REST API (ours and the one Cockpit and
     * Tasklist use) pass our checks first; after authentication, so a caller without login gets 401.
     */
    @Bean
    FilterRegistrationBean<EngineRestGuard> engineRestGuard(RepositoryService repository,
                                                           ProcessModelValidator validator,
                                                           CustomOperations customOperations) {
        FilterRegistrationBean<EngineRestGuard> bean =
                new FilterRegistrationBean<>(new EngineRestGuard(repository, validator, customOperations));
        bean.addUrlPatterns("/engine-rest/*", "/camunda/api/engine/*");
        bean.setName("engine-rest-guard");
        bean.setOrder(3);
        return bean;
    }

    static final class EngineListAuthentication extends OncePerRequestFilter {
        private final IdentityService identity;

        EngineListAuthentication(IdentityService identity) {
            this.identity = identity;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (validBasicCredentials(request.getHeader("Authorization"))) {
                chain.doFilter(request, response);
                return;
            }
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("WWW-Authenticate", "Basic realm=\"default\"");
        }

        private boolean validBasicCredentials(String header) {
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return false;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            return colon > 0 && identity.checkPassword(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
    }
}
