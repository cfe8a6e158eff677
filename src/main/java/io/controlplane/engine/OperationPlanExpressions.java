package io.controlplane.engine;

import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Expression bean {@code operationPlan} for the BPMN: turns the plan's string variables into what
 * multi-instance activities, host topics and call activities need, e.g.
 * {@code camunda:collection="${operationPlan.ids(createPrimaries)}"} and
 * {@code <camunda:in sourceExpression="${operationPlan.host(instanceHosts, instanceId)}" target="instanceHost"/>}.
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

    /** The host of {@code key} in {@code "k1=host1,k2=host2"}; a missing key is an error of the model. */
    public String host(String pairs, String key) {
        return lookUp("host", pairs, key);
    }

    /** The value of {@code key} in {@code "k1=v1,k2=v2"}; a missing key is an error of the model. */
    public String value(String pairs, String key) {
        return lookUp("value", pairs, key);
    }

    private static String lookUp(String what, String pairs, String key) {
        String value = ProcessVariables.parsePairs(pairs).get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + what + " for '" + key + "' in '" + pairs + "'");
        }
        return value;
    }
}
