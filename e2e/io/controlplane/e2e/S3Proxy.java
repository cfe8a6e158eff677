package io.controlplane.e2e;

import io.controlplane.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real S3-compatible server for pgBackRest on 127.0.0.1: s3proxy 4.1.0 from Maven Central (fetched into
 * the local Maven repository on first use), HTTPS with a self-signed certificate whose SAN holds the IP as
 * a DNS name (pgBackRest 2.45 ignores IP SANs), an in-memory store, and one bucket. See
 * ../shared/reference/s3-and-host-routing.md part A.
 */
final class S3Proxy implements AutoCloseable {

    static final String ACCESS_KEY = "pgbr-access-key";
    static final String SECRET_KEY = "pgbr-secret-key-0123456789";
    static final String BUCKET = "pgbackrest";
    private static final String ARTIFACT = "org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies";
    private static final Path JAR = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul",
            "s3proxy", "4.1.0", "s3proxy-4.1.0-jar-with-dependencies.jar");
    private static final String STORE_PASSWORD = "s3proxy-ks";

    private final Process process;
    private final int port;
    private final Path caFile;

    private S3Proxy(Process process, int port, Path caFile) {
        this.process = process;
        this.port = port;
        this.caFile = caFile;
    }

    /** Starts s3proxy with its files under {@code dir} (readable by the container user) and creates the bucket. */
    static S3Proxy start(Path dir) throws Exception {
        fetchJar();
        Files.createDirectories(dir);
        Path keystore = dir.resolve("keystore.p12");
        Path ca = dir.resolve("s3proxy-ca.pem");
        run(List.of("keytool", "-genkeypair", "-alias", "s3proxy", "-keyalg", "RSA", "-keysize", "2048", "-validity",
                "30", "-dname", "CN=127.0.0.1", "-ext", "SAN=DNS:127.0.0.1,IP:127.0.0.1,DNS:localhost", "-keystore",
                keystore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD));
        run(List.of("keytool", "-exportcert", "-rfc", "-alias", "s3proxy", "-keystore", keystore.toString(),
                "-storepass", STORE_PASSWORD, "-file", ca.toString()));
        ca.toFile().setReadable(true, false);
        int port = TestServer.freePort();
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.secure-endpoint=https://127.0.0.1:" + port,
                "s3proxy.keystore-path=" + keystore,
                "s3proxy.keystore-password=" + STORE_PASSWORD,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=transient-nio2", ""));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", JAR.toString(), "--properties", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3Proxy proxy = new S3Proxy(p, port, ca);
        proxy.awaitReady(keystore);
        return proxy;
    }

    int port() {
        return port;
    }

    Path caFile() {
        return caFile;
    }

    private void awaitReady(Path keystore) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited with " + process.exitValue());
            }
            try {
                client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                createBucket();
                return;
            } catch (IOException notYet) {
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException("s3proxy did not answer on port " + port);
    }

    /** SigV4 with curl; curl 7.88 needs the payload hash header for s3proxy. */
    private void createBucket() throws IOException, InterruptedException {
        run(List.of("curl", "-sS", "-f", "--cacert", caFile.toString(), "--aws-sigv4", "aws:amz:us-east-1:s3", "--user",
                ACCESS_KEY + ":" + SECRET_KEY, "-H",
                "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "-X", "PUT",
                "https://127.0.0.1:" + port + "/" + BUCKET));
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("s3proxy", (X509Certificate) ks.getCertificate("s3proxy"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    private static void fetchJar() throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            run(List.of("mvn", "-q", "-B", "-ntp", "dependency:get", "-Dartifact=" + ARTIFACT, "-Dtransitive=false"));
        }
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", cmd) + "\n" + out);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
