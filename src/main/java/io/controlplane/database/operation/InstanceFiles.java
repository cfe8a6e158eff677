package io.controlplane.database.operation;

import java.util.HashSet;
import java.util.Set;
import io.controlplane.common.PermanentException;
import io.controlplane.etcd.pki.CertificateBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An instance's directory on its host, {@code <data_dir>/instances/<instance_id>}: {@code configs/}
 * (patroni.yaml), {@code certificates/} and {@code data/} (PGDATA below it), all owned by the
 * image's postgres user (uid 100, gid 102) because Patroni and initdb refuse to run as root.
 */
final class InstanceFiles {

    static final int OWNER_UID = 100;
    static final int OWNER_GID = 102;

    private final Path root;

    InstanceFiles(Path dataDir, String instanceId) {
        this.root = dataDir.resolve("instances").resolve(instanceId);
    }

    Path root() { return root; }
    Path configs() { return root.resolve("configs"); }
    Path certificates() { return root.resolve("certificates"); }
    Path data() { return root.resolve("data"); }
    Path patroniConfig() { return configs().resolve("patroni.yaml"); }
    Path replicationPassfile() { return configs().resolve("replication.pgpass"); }

    void createDirectories() {
        try {
            for (Path dir : new Path[] {configs(), certificates().resolve("etcd"), data()}) {
                Files.createDirectories(dir);
            }
            Files.setPosixFilePermissions(data(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    boolean hasEtcdCertificate() {
        return Files.exists(certificates().resolve("etcd/client.crt")) && Files.exists(certificates().resolve("etcd/client.key"));
    }

    void writeEtcdCertificates(String caPem, CertificateBundle client) {
        Path dir = certificates().resolve("etcd");
        writeAtomically(dir.resolve("ca.crt"), caPem, false);
        client.writeTo(dir, "client");
    }

    Optional<String> readPatroniConfig() {
        try {
            return Files.exists(patroniConfig()) ? Optional.of(Files.readString(patroniConfig())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + patroniConfig(), e);
        }
    }

    /** The lines of the postgresql.conf Patroni writes into PGDATA; empty before the first start. */
    Set<String> postgresqlConfLines() {
        Path conf = data().resolve("pgdata").resolve("postgresql.conf");
        try {
            return Files.exists(conf) ? new HashSet<>(Files.readAllLines(conf)) : Set.of();
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** @return whether the file changed */
    boolean writePatroniConfig(String yaml) {
        if (readPatroniConfig().filter(yaml::equals).isPresent()) {
            return false;
        }
        writeAtomically(patroniConfig(), yaml, true);
        return true;
    }

    /**
     * The libpq password file replication connections use ({@code ContainerPaths.REPLICATION_PASSFILE}):
     * mode 0600, as libpq ignores a file others can read. @return whether it changed
     */
    boolean writeReplicationPassfile(String content) {
        try {
            if (Files.exists(replicationPassfile()) && Files.readString(replicationPassfile()).equals(content)) {
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + replicationPassfile(), e);
        }
        writeAtomically(replicationPassfile(), content, true);
        return true;
    }

    /** Hands everything to the container's postgres user; the data dir keeps its own content's owners. */
    void chownToPostgres() {
        try (Stream<Path> paths = Stream.concat(Stream.of(root, data()), Stream.concat(Files.walk(configs()), Files.walk(certificates())))) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setAttribute(p, "unix:uid", OWNER_UID);
                Files.setAttribute(p, "unix:gid", OWNER_GID);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new PermanentException("cannot give " + root + " to uid " + OWNER_UID + ":" + OWNER_GID
                    + " (the control plane must run as root to manage Postgres containers): " + e.getMessage());
        }
    }

    void deleteAll() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static void writeAtomically(Path file, String content, boolean secret) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (secret) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
