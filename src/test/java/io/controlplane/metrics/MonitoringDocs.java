package io.controlplane.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** The Grafana dashboard and the Prometheus alert rules under docs/, and the PromQL they hold. */
final class MonitoringDocs {

    static final Path DASHBOARD = Path.of("docs", "grafana", "control-plane-dashboard.json");
    static final Path ALERTS = Path.of("docs", "prometheus", "alerts.yml");
    private static final Pattern OUR_METRIC = Pattern.compile("\\bcontrolplane_[a-zA-Z0-9_]+\\b");

    private MonitoringDocs() {
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(Files.readString(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> alerts() {
        try {
            return new Yaml().load(Files.readString(ALERTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alertRules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) alerts().get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    /** Every PromQL expression of the dashboard (panel targets and the variables' queries). */
    static List<String> dashboardExpressions() {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            panel.path("targets").forEach(t -> out.add(t.path("expr").asText()));
        }
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                out.add(variable.path("query").path("query").asText());
            }
        }
        return out;
    }

    static List<String> alertExpressions() {
        return alertRules().stream().map(r -> String.valueOf(r.get("expr"))).toList();
    }

    /** The {@code controlplane_*} series names an expression reads. */
    static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = OUR_METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    static Set<String> referencedMetricNames() {
        Set<String> names = new TreeSet<>();
        dashboardExpressions().forEach(e -> names.addAll(metricNames(e)));
        alertExpressions().forEach(e -> names.addAll(metricNames(e)));
        return names;
    }
}
