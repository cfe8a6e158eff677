package io.controlplane.etcd;

import io.controlplane.common.FailureKind;
import io.controlplane.etcd.pki.Pem;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Builds jetcd clients from an {@link EtcdClientConfig}. Shared by the admin and store layers. */
public final class EtcdClients {

    /**
     * jetcd dials all endpoints through one gRPC target ({@code ip:///h1:p1,h2:p2}), so TLS checks
     * every member against a single name. Every server certificate from {@code ClusterCa} carries
     * {@code localhost}; since only our private CA is trusted, that identifies "a member of this
     * cluster", which is what we need.
     */
    static final String TLS_AUTHORITY = "localhost";

    private EtcdClients() {
    }

    public static Client create(EtcdClientConfig config) {
        ClientBuilder builder = Client.builder()
                .authority(TLS_AUTHORITY)
                .endpoints(config.endpoints().toArray(URI[]::new))
                .connectTimeout(Duration.ofSeconds(5))
                // bounded by our own per-call timeout; jetcd's own retries only cover blips
                .retryMaxDuration(config.requestTimeout());
        try {
            builder.sslContext(ssl -> ssl
                    .trustManager(Pem.parseCertificate(config.caCertificatePem()))
                    .keyManager(config.clientCertificate().privateKey(), config.clientCertificate().certificate()));
        } catch (SSLException e) {
            throw new EtcdException("cannot set up TLS for etcd client", e, FailureKind.PERMANENT);
        }
        config.credentials().ifPresent(c -> builder
                .user(ByteSequence.from(c.user(), StandardCharsets.UTF_8))
                .password(ByteSequence.from(c.password(), StandardCharsets.UTF_8)));
        return builder.build();
    }
}
