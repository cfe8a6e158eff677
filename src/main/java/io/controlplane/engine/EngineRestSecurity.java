package io.controlplane.engine;

import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code /engine-rest} is open by default in Camunda; require HTTP basic auth against engine users. */
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
        bean.setOrder(1);
        return bean;
    }
}
