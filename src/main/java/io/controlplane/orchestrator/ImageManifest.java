package io.controlplane.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Postgres versions this cluster offers and the image of each (pgEdge manifest schema v1,
 * {@code images.postgres[]}). The default entry gives {@code postgres_version} when a spec has none.
 * Read from {@code swarm.manifest_path} when set, else from the copy built into the jar
 * ({@code swarm/image/manifest.json}).
 */
public final class ImageManifest {

    public static final String BUILT_IN = "manifests/manifest.json";

    private final List<Entry> postgres;

    /**
     * One image. {@code pglogicalVersion} is the version of the replication extension it ships (its
     * {@code io.controlplane.pglogical.version} label), reported where pgEdge reports {@code spock_version};
     * empty when a manifest does not say.
     */
    public record Entry(String postgresVersion, String image, String stability, boolean isDefault,
                        String pglogicalVersion) {
        public String major() {
            int dot = postgresVersion.indexOf('.');
            return dot < 0 ? postgresVersion : postgresVersion.substring(0, dot);
        }
    }

    public ImageManifest(List<Entry> postgres) {
        this.postgres = List.copyOf(postgres);
    }

    public static ImageManifest load(String manifestPathOrEmpty) {
        try {
            if (manifestPathOrEmpty != null && !manifestPathOrEmpty.isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(manifestPathOrEmpty))) {
                    return parse(in);
                }
            }
            try (InputStream in = ImageManifest.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
                Objects.requireNonNull(in, "the jar has no " + BUILT_IN);
                return parse(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image manifest " + manifestPathOrEmpty, e);
        }
    }

    static ImageManifest parse(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : root.path("images").path("postgres")) {
            entries.add(new Entry(e.path("postgres_version").asText(), e.path("image").asText(),
                    e.path("stability").asText("stable"), e.path("default").asBoolean(false),
                    e.path("pglogical_version").asText("")));
        }
        if (entries.isEmpty()) {
            throw new IOException("the image manifest lists no postgres images");
        }
        return new ImageManifest(entries);
    }

    public List<Entry> postgres() {
        return postgres;
    }

    public String defaultPostgresVersion() {
        return defaultEntry().postgresVersion();
    }

    /** The entry of {@link #defaultPostgresVersion()}: the one marked default, else the last. */
    public Entry defaultEntry() {
        return postgres.stream().filter(Entry::isDefault).findFirst().orElse(postgres.get(postgres.size() - 1));
    }

    public Optional<Entry> find(String postgresVersion) {
        return postgres.stream().filter(e -> e.postgresVersion().equals(postgresVersion)).findFirst();
    }

    public List<String> versions() {
        return postgres.stream().map(Entry::postgresVersion).toList();
    }

    /** The image of a version this manifest offers; callers validate the version first. */
    public String image(String postgresVersion) {
        return find(postgresVersion).map(Entry::image)
                .orElseThrow(() -> new IllegalArgumentException("no image for postgres " + postgresVersion));
    }
}
