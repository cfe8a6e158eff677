package io.controlplane.database.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Swarm-only knobs for the Postgres service of an instance. */
public record SwarmOpts(
        List<ExtraVolume> extraVolumes,
        List<ExtraNetwork> extraNetworks,
        Map<String, String> extraLabels,
        String imageOrNull) {

    public SwarmOpts {
        extraVolumes = Collections2.list(extraVolumes);
        extraNetworks = Collections2.list(extraNetworks);
        extraLabels = Collections2.map(extraLabels);
    }

    /** An explicit image that bypasses the image manifest. */
    public Optional<String> image() {
        return Optional.ofNullable(imageOrNull);
    }

    /** The same options with another explicit image (null: the manifest's image of the version). */
    public SwarmOpts withImage(String image) {
        return new SwarmOpts(extraVolumes, extraNetworks, extraLabels, image);
    }
}
