package io.controlplane.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <data_dir>/generated.config.json}: values the server chose itself (generated passwords,
 * credentials received when joining). It holds secrets, so it is written atomically with mode 0600.
 */
public final class GeneratedConfig {

    public static final String FILE_NAME = "generated.config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GeneratedConfig() {
    }

    /** Reads the file as flat dotted keys; an absent file is an empty map. */
    public static Map<String, Object> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Map<String, Object> nested = JSON.readValue(file.toFile(), new TypeReference<>() { });
            return ConfigLoader.flatten(nested);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read generated config: " + e.getMessage());
        }
    }

    /** Sets the given dotted keys, keeping every other key already in the file. */
    public static synchronized void update(Path file, Map<String, Object> values) {
        Map<String, Object> flat = new LinkedHashMap<>(read(file));
        flat.putAll(values);
        Map<String, Object> nested = new LinkedHashMap<>();
        flat.forEach((k, v) -> ConfigLoader.putNested(nested, k, v));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writeValueAsBytes(nested));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
