package io.controlplane.etcd.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCaTest {

    private static final ClusterCa CA = ClusterCa.create("cp-test-ca");

    @Test
    void caIsAnEcP256AuthorityValidForAboutTenYears() throws Exception {
        X509Certificate cert = CA.certificate();
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        Duration validity = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
        assertThat(validity).isBetween(Duration.ofDays(3640), Duration.ofDays(3651));
        cert.verify(cert.getPublicKey());
    }

    @Test
    void caSurvivesARoundTripThroughPem() throws Exception {
        CertificateBundle saved = CA.toBundle();
        assertThat(saved.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(saved.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");

        ClusterCa loaded = ClusterCa.fromPem(saved.certificatePem(), saved.privateKeyPem());

        assertThat(loaded.fingerprint()).isEqualTo(CA.fingerprint());
        loaded.issueClient("host-a").certificate().verify(CA.certificate().getPublicKey());
    }

    @Test
    void loadingRejectsAKeyThatDoesNotBelongToTheCertificate() {
        ClusterCa other = ClusterCa.create("other");
        assertThatThrownBy(() -> ClusterCa.fromPem(CA.certificatePem(), other.toBundle().privateKeyPem()))
                .isInstanceOf(PkiException.class).hasMessageContaining("does not match");
    }

    @Test
    void serverCertificateNamesGivenHostsLoopbackAndEveryIpAlsoAsDnsName() throws Exception {
        CertificateBundle bundle = CA.issueServer("etcd-h1", List.of("h1.example.com"), List.of("10.1.2.3"));
        X509Certificate cert = bundle.certificate();
        cert.verify(CA.certificate().getPublicKey());

        assertThat(sans(cert, 2)).containsExactlyInAnyOrder("h1.example.com", "localhost", "10.1.2.3", "127.0.0.1", "::1");
        assertThat(sans(cert, 7)).contains("10.1.2.3", "127.0.0.1").anyMatch(ip -> ip.startsWith("0:0:0:0:0:0:0:1"));
        assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getNotAfter()).isBeforeOrEqualTo(CA.certificate().getNotAfter());
    }

    @Test
    void serverCertificateRejectsHostNamesPassedAsIps() {
        assertThatThrownBy(() -> CA.issueServer("x", List.of(), List.of("db.example.com")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientCertificateCarriesTheUserNameAsCommonName() throws Exception {
        X509Certificate cert = CA.issueClient("instance-abc").certificate();
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=instance-abc");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(CA.certificate().getSubjectX500Principal());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void joinTokenIsCaFingerprintPlusRandomSecret() throws Exception {
        JoinToken token = CA.newJoinToken();
        String fingerprint = HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(CA.certificate().getEncoded()));

        assertThat(token.value()).matches("^CP-[0-9a-f]{64}-[0-9a-f]{32}$").startsWith("CP-" + fingerprint + "-");
        assertThat(token.caFingerprint()).isEqualTo(fingerprint);
        assertThat(CA.newJoinToken()).isNotEqualTo(token);
        assertThat(token.toString()).doesNotContain(token.value().substring(68));
    }

    @Test
    void joinTokenVerificationAcceptsOnlyTheExactWellFormedToken() {
        JoinToken token = CA.newJoinToken();
        String other = CA.newJoinToken().value();

        assertThat(token.matches(token.value())).isTrue();
        assertThat(token.matches(other)).isFalse();
        assertThat(token.matches(token.value().toUpperCase().replace("CP-", "CP-"))).isFalse();
        assertThat(token.matches(token.value() + "0")).isFalse();
        assertThat(token.matches("PGEDGE-" + token.value().substring(3))).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(JoinToken.isWellFormed(null)).isFalse();
        assertThatThrownBy(() -> new JoinToken("CP-123")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenKeysAreOwnerOnly(@TempDir Path dir) throws Exception {
        CA.issueClient("root").writeTo(dir, "etcd-user");
        assertThat(Files.getPosixFilePermissions(dir.resolve("etcd-user.key")))
                .extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(Files.readString(dir.resolve("etcd-user.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void opensslAndPythonAcceptTheIssuedCertificates(@TempDir Path dir) throws Exception {
        // never skipped: scripts/test.sh installs both (cp_ensure_test_tools in scripts/lib/prereqs.sh)
        String openssl = requireOnPath("openssl");
        String python = requireOnPath("python3");
        Files.writeString(dir.resolve("ca.crt"), CA.certificatePem());
        CA.issueServer("etcd-h1", List.of("h1"), List.of("127.0.0.1")).writeTo(dir, "server");
        CA.issueClient("instance-x").writeTo(dir, "client");

        assertThat(run(dir, openssl, "verify", "-CAfile", "ca.crt", "server.crt", "client.crt"))
                .contains("server.crt: OK", "client.crt: OK");
        assertThat(run(dir, python, "-c", "import ssl\n"
                + "c = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile='ca.crt')\n"
                + "c.load_cert_chain('client.crt', 'client.key')\n"
                + "s = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile='ca.crt')\n"
                + "s.load_cert_chain('server.crt', 'server.key')\n"
                + "print('python-ok')")).contains("python-ok");
    }

    /** The program's path; fails (never skips) when it is missing, so CI cannot go green without this check. */
    private static String requireOnPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(program + " is not installed (not on PATH): this test checks the issued certificates"
                + " with openssl and Python's ssl module; run scripts/test.sh, which installs them, or"
                + " apt-get install openssl python3");
    }

    private static Set<String> sans(X509Certificate cert, int type) throws Exception {
        return cert.getSubjectAlternativeNames().stream().filter(san -> (Integer) san.get(0) == type)
                .map(san -> (String) san.get(1)).collect(Collectors.toSet());
    }

    private static String run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
