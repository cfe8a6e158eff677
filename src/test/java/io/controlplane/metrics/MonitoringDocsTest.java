package io.controlplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/control-plane-dashboard.json against Grafana's dashboard JSON model (the schema of
 * src/test/resources/grafana, from {@code @grafana/schema}), and docs/prometheus/alerts.yml as Prometheus
 * rule files are shaped. That every series they name is exported is checked against a real scrape by
 * {@link ClusterMetricsTest}.
 */
class MonitoringDocsTest {

    private static final String SCHEMA_IRI = "https://control-plane.test/grafana/dashboard.schema.json";

    @Test
    void dashboardConformsToGrafanasDashboardModel() throws IOException {
        List<Error> errors = dashboardSchema().validate(MonitoringDocs.dashboard().toString(), InputFormat.JSON);

        assertThat(errors).as("schema violations").isEmpty();
    }

    @Test
    void dashboardSchemaRejectsAKeyTheModelDoesNotKnow() throws IOException {
        ObjectNode dashboard = (ObjectNode) MonitoringDocs.dashboard();
        ((ObjectNode) dashboard.path("panels").get(1)).putObject("gridpos").put("h", 3);
        dashboard.remove("schemaVersion");

        List<Error> errors = dashboardSchema().validate(dashboard.toString(), InputFormat.JSON);

        assertThat(errors).extracting(Error::getMessage)
                .anyMatch(m -> m.contains("gridpos")).anyMatch(m -> m.contains("schemaVersion"));
    }

    @Test
    void everyPanelQueriesOurSeriesAndTheDatabaseVariableDrivesTheDatabasePanels() {
        JsonNode dashboard = MonitoringDocs.dashboard();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id " + panel.path("id")).isTrue();
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(MonitoringDocs.metricNames(expr)).as(expr).isNotEmpty();
                assertBalanced(expr);
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
        JsonNode database = variable(dashboard, "database");
        assertThat(database.path("query").path("query").asText())
                .isEqualTo("label_values(controlplane_database_state, database)");
        assertThat(MonitoringDocs.dashboardExpressions()).filteredOn(e -> e.contains("controlplane_replication_lag_bytes"))
                .isNotEmpty().allMatch(e -> e.contains("database=~\"$database\""));
        assertThat(variable(dashboard, "datasource").path("query").asText()).isEqualTo("prometheus");
    }

    @Test
    @SuppressWarnings("unchecked")
    void alertRulesHaveTheirPartsAndCoverTheFourCases() {
        Map<String, Object> file = MonitoringDocs.alerts();
        assertThat(file).containsOnlyKeys("groups");
        List<Map<String, Object>> rules = MonitoringDocs.alertRules();
        for (Map<String, Object> rule : rules) {
            assertThat(rule).as(String.valueOf(rule.get("alert")))
                    .containsOnlyKeys("alert", "expr", "for", "labels", "annotations");
            assertThat(String.valueOf(rule.get("for"))).matches("\\d+[smh]");
            assertThat((Map<String, Object>) rule.get("labels")).containsKey("severity");
            assertThat((Map<String, Object>) rule.get("annotations")).containsKeys("summary", "description");
            String expr = String.valueOf(rule.get("expr"));
            assertThat(MonitoringDocs.metricNames(expr)).as(expr).isNotEmpty();
            assertBalanced(expr);
        }
        assertThat(rules).extracting(r -> r.get("alert")).contains("ControlPlaneInstanceDown",
                "ControlPlaneReplicationLagHigh", "ControlPlaneTaskFailed", "ControlPlaneOpenIncident");
        assertThat(MonitoringDocs.alertExpressions()).anyMatch(e -> e.contains("controlplane_instance_up"))
                .anyMatch(e -> e.contains("controlplane_replication_lag_bytes"))
                .anyMatch(e -> e.contains("controlplane_task_duration_seconds_count{status=\"failed\"}"))
                .anyMatch(e -> e.contains("controlplane_incidents_open"));
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no variable " + name);
    }

    /** Parentheses, brackets and braces nest, outside of quoted label values. */
    private static void assertBalanced(String expr) {
        Deque<Character> open = new ArrayDeque<>();
        boolean quoted = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' && (i == 0 || expr.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && "([{".indexOf(c) >= 0) {
                open.push(c);
            } else if (!quoted && ")]}".indexOf(c) >= 0) {
                assertThat(open).as("closing " + c + " at " + i + " of " + expr).isNotEmpty();
                assertThat("([{".indexOf(open.pop())).as("pair at " + i + " of " + expr).isEqualTo(")]}".indexOf(c));
            }
        }
        assertThat(quoted).as("unterminated string in " + expr).isFalse();
        assertThat(open).as("unclosed in " + expr).isEmpty();
    }

    private static Schema dashboardSchema() throws IOException {
        String text;
        try (InputStream in = MonitoringDocsTest.class.getResourceAsStream("/grafana/dashboard.schema.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getDraft7(),
                b -> b.schemas(Map.of(SCHEMA_IRI, text)));
        return registry.getSchema(SchemaLocation.of(SCHEMA_IRI));
    }
}
