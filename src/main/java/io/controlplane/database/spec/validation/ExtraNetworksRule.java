package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.ExtraNetwork;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/** Extra networks: at most 8, each with an id and at most 8 aliases. */
final class ExtraNetworksRule implements SpecRule {

    static final String EMPTY_ID = "must not be empty";

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (SwarmScope scope : SwarmScope.all(spec)) {
            FieldPath networks = scope.path().field("extra_networks");
            List<ExtraNetwork> list = scope.swarm().extraNetworks();
            if (list.size() > 8) {
                errors.add(FieldError.invalid(networks, Messages.atMost(8, "networks")));
            }
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).id().isEmpty()) {
                    errors.add(FieldError.invalid(networks.index(i).field("id"), EMPTY_ID));
                }
                if (list.get(i).aliases().size() > 8) {
                    errors.add(FieldError.invalid(networks.index(i).field("aliases"), Messages.atMost(8, "aliases")));
                }
            }
        }
        return errors;
    }
}
