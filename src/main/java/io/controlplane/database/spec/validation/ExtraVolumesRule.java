package io.controlplane.database.spec.validation;

import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.ExtraVolume;
import io.controlplane.database.spec.FieldError;
import io.controlplane.database.spec.FieldPath;

import java.util.ArrayList;
import java.util.List;

/** Bind mounts: at most 16, both paths given and at most 256 characters. */
final class ExtraVolumesRule implements SpecRule {

    @Override
    public List<FieldError> check(DatabaseSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        for (SwarmScope scope : SwarmScope.all(spec)) {
            FieldPath volumes = scope.path().field("extra_volumes");
            List<ExtraVolume> list = scope.swarm().extraVolumes();
            if (list.size() > 16) {
                errors.add(FieldError.invalid(volumes, Messages.atMost(16, "volumes")));
            }
            for (int i = 0; i < list.size(); i++) {
                if (!Messages.lengthIn(list.get(i).hostPath(), 1, 256)) {
                    errors.add(FieldError.invalid(volumes.index(i).field("host_path"), Messages.length(1, 256)));
                }
                if (!Messages.lengthIn(list.get(i).destinationPath(), 1, 256)) {
                    errors.add(FieldError.invalid(volumes.index(i).field("destination_path"), Messages.length(1, 256)));
                }
            }
        }
        return errors;
    }
}
