package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A new node copies its data from a running node. That node must exist, be another node, not be
 * new itself (its data is not there yet), and a node gets its data either from a peer or from a
 * backup, not both. Messages and paths as in pgEdge.
 */
final class SourceNodeRule implements SpecRule {

    static final String BOTH = "specify either source_node or restore_config";
    static final String SELF = "a node cannot use itself as a source node";
    static final String MISSING = "source node does not exist";
    static final String NEW = "source node must refer to an existing node";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> withSource = new HashSet<>();
        for (DatabaseNodeSpec n : spec.nodes()) {
            names.add(n.name());
            n.sourceNode().filter(s -> !s.isEmpty()).ifPresent(s -> withSource.add(n.name()));
        }
        for (int i = 0; i < spec.nodes().size(); i++) {
            DatabaseNodeSpec node = spec.nodes().get(i);
            String source = node.sourceNode().orElse("");
            if (source.isEmpty()) {
                continue;
            }
            FieldPath path = FieldPath.of("nodes").index(i).field("source_node");
            if (node.restoreConfig().isPresent()) {
                errors.add(FieldError.invalid(path, BOTH));
            } else if (source.equals(node.name())) {
                errors.add(FieldError.invalid(path, SELF));
            }
            if (!names.contains(source)) {
                errors.add(FieldError.invalid(path, MISSING));
            } else if (withSource.contains(source) && !source.equals(node.name())) {
                errors.add(FieldError.invalid(path, NEW));
            }
        }
        return errors;
    }
}
