package io.controlplane.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Maps our configuration onto the Spring Boot and Camunda properties that implement it. */
public final class SpringProperties {

    private SpringProperties() {
    }

    public static Map<String, Object> from(ControlPlaneConfig c) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.main.banner-mode", "off");
        p.put("spring.application.name", "control-plane");
        p.put("server.address", c.http().bindAddr());
        p.put("server.port", c.http().port());
        p.put("server.error.include-stacktrace", "never");
        p.put("server.error.include-message", "never");
        p.put("server.shutdown", "graceful");

        p.put("spring.datasource.url", c.engine().datasourceUrl());
        p.put("spring.datasource.username", c.engine().datasourceUsername());
        p.put("spring.datasource.password", c.engine().datasourcePassword());
        p.put("spring.datasource.hikari.maximum-pool-size", 20);
        p.put("spring.jpa.hibernate.ddl-auto", "update");
        p.put("spring.jpa.open-in-view", false);
        p.put("spring.jackson.property-naming-strategy", "SNAKE_CASE");
        p.put("spring.jackson.default-property-inclusion", "non_null");

        p.put("camunda.bpm.admin-user.id", c.engine().adminUser());
        p.put("camunda.bpm.admin-user.password", c.engine().adminPassword());
        p.put("camunda.bpm.admin-user.first-name", "Admin");
        p.put("camunda.bpm.filter.create", "All tasks");
        p.put("camunda.bpm.database.schema-update", true);
        p.put("camunda.bpm.history-level", "full");
        p.put("camunda.bpm.job-execution.enabled", true);
        // An idle job executor backs off up to max-wait between acquisitions: a timer (a scheduled switchover
        // or restart) would fire up to that late. 5 s keeps it on time for one cheap query per host every 5 s.
        p.put("camunda.bpm.job-execution.max-wait", 5000);
        p.put("camunda.bpm.auto-deployment-enabled", true);
        p.put("camunda.bpm.deployment-resource-pattern", "classpath*:processes/*.bpmn");
        p.put("camunda.bpm.webapp.index-redirect-enabled", false);
        p.put("camunda.bpm.generic-properties.properties.historyTimeToLive", "P30D");
        p.put("camunda.bpm.generic-properties.properties.enforceHistoryTimeToLive", false);

        p.put("management.endpoints.web.exposure.include", "health,prometheus,info");
        p.put("management.endpoint.health.show-details", "never");
        // /actuator/health/readiness answers UP only after every start-up listener ran (step worker
        // started, cluster resumed): what bench/startup.sh and scripts/cds-archive.sh wait for
        p.put("management.endpoint.health.probes.enabled", true);
        p.put("management.info.git.mode", "simple");

        p.put("springdoc.api-docs.path", "/v1/openapi.json");
        p.put("springdoc.paths-to-match", "/v1/**");
        p.put("springdoc.show-actuator", false);

        String level = c.logging().level();
        p.put("logging.level.root", switch (level) {
            case "trace", "debug" -> "INFO";
            case "error", "fatal" -> "ERROR";
            default -> "WARN";
        });
        p.put("logging.level.io.controlplane", switch (level) {
            case "trace" -> "TRACE";
            case "debug" -> "DEBUG";
            case "warn" -> "WARN";
            case "error", "fatal" -> "ERROR";
            default -> "INFO";
        });
        if (!c.logging().pretty()) {
            p.put("logging.structured.format.console", "ecs");
        }
        return p;
    }
}
