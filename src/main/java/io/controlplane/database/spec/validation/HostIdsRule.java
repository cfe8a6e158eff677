package io.controlplane.database.spec.validation;

import io.controlplane.common.Identifiers;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Each host of a node runs one instance of it, so a node needs a host and no host twice. A host may
 * serve several nodes; their ports are checked by {@link DuplicateHostPortsRule}.
 */
final class HostIdsRule implements SpecRule {

    static final String EMPTY = "must contain at least one host ID";
    static final String DUPLICATE = "host IDs must be unique within a node"; // pgEdge

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            DatabaseNodeSpec node = spec.nodes().get(i);
            FieldPath path = FieldPath.of("nodes").index(i).field("host_ids");
            if (node.hostIds().isEmpty()) {
                errors.add(FieldError.invalid(path, EMPTY));
            }
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < node.hostIds().size(); j++) {
                String host = node.hostIds().get(j);
                FieldPath hostPath = path.index(j);
                Identifiers.problem(host).ifPresent(p -> errors.add(FieldError.invalid(hostPath, p)));
                if (!seen.add(host)) {
                    errors.add(FieldError.invalid(hostPath, DUPLICATE));
                }
            }
        }
        return errors;
    }
}
