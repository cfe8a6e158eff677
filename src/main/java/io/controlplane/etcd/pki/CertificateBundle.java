package io.controlplane.etcd.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate with its private key, as PEM (the key is PKCS#8, which Go, Python, OpenSSL and
 * Netty all read).
 */
public record CertificateBundle(String certificatePem, String privateKeyPem) {

    public CertificateBundle {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    }

    public X509Certificate certificate() {
        return Pem.parseCertificate(certificatePem);
    }

    public PrivateKey privateKey() {
        return Pem.parsePrivateKey(privateKeyPem);
    }

    /**
     * Writes {@code <baseName>.crt} and {@code <baseName>.key} into {@code dir}; the key is
     * owner-only because etcd and Postgres tools warn about or refuse readable keys.
     */
    public void writeTo(Path dir, String baseName) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(baseName + ".crt"), certificatePem, StandardCharsets.US_ASCII);
            Path key = dir.resolve(baseName + ".key");
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, privateKeyPem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + baseName + " certificate to " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "CertificateBundle[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
