package io.controlplane.engine;

import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Expression bean {@code operationPlan} for the BPMN: turns the plan's string variables into what
 * multi-instance activities and host topics need, e.g.
 * {@code camunda:collection="${operationPlan.ids(createPrimaries)}"} and
 * {@code camunda:topic="writePatroniConfig@${operationPlan.host(instanceHosts, instanceId)}"}.
 */
@Component("operationPlan")
public class OperationPlanExpressions {

    /** {@code "a,b"} → [a, b]; an empty string is an empty list (the activity is skipped). */
    public List<String> ids(String commaSeparated) {
        return split(commaSeparated);
    }

    static List<String> split(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The value of {@code key} in {@code "k1=v1,k2=v2"}; a missing key is an error of the model. */
    public String host(String pairs, String key) {
        for (String pair : ids(pairs)) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(key)) {
                return pair.substring(eq + 1);
            }
        }
        throw new IllegalArgumentException("no host for '" + key + "' in '" + pairs + "'");
    }
}
