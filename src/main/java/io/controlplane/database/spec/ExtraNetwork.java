package io.controlplane.database.spec;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An extra Swarm network to attach; {@code driver_opts} is accepted for pgEdge parity but not applied. */
public record ExtraNetwork(String id, List<String> aliases, Map<String, String> driverOpts) {

    public ExtraNetwork {
        Objects.requireNonNull(id, "id");
        aliases = Collections2.list(aliases);
        driverOpts = Collections2.map(driverOpts);
    }
}
