package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Two nodes placed on the same host would bind the same host port. The effective port of a node is
 * its own, else the database's; 0 is a random port allocated later and is exempt. The later node
 * is blamed, at the field that gives it the port. A node's own two ports are
 * {@link PortConflictRule}'s concern.
 */
final class DuplicateHostPortsRule implements SpecRule {

    static String message(String host) {
        return "duplicate ports allocated on host '" + host + "'";
    }

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Map<Integer, Integer>> nodeByPortByHost = new HashMap<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            DatabaseNodeSpec node = spec.nodes().get(i);
            Map<String, Integer> ports = new LinkedHashMap<>();
            spec.effectivePort(node).filter(p -> p != 0).ifPresent(p -> ports.put("port", p));
            spec.effectivePatroniPort(node).filter(p -> p != 0).ifPresent(p -> ports.put("patroni_port", p));
            for (String host : new LinkedHashSet<>(node.hostIds())) {
                Map<Integer, Integer> nodeByPort = nodeByPortByHost.computeIfAbsent(host, h -> new HashMap<>());
                for (Map.Entry<String, Integer> port : ports.entrySet()) {
                    Integer other = nodeByPort.get(port.getValue());
                    if (other != null && other != i) {
                        errors.add(FieldError.invalid(FieldPath.of("nodes").index(i).field(port.getKey()),
                                message(host)));
                    }
                }
                for (Integer port : ports.values()) {
                    nodeByPort.putIfAbsent(port, i);
                }
            }
        }
        return errors;
    }
}
