package io.controlplane.etcd;

import io.controlplane.etcd.pki.CertificateBundle;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach etcd: https endpoints, the cluster CA, this client's certificate (etcd runs with
 * {@code --trusted-ca-file}, so a client certificate is always required) and, once auth is
 * enabled, a user and password (the certificate's CN is not used as identity).
 */
public record EtcdClientConfig(
        List<URI> endpoints,
        String caCertificatePem,
        CertificateBundle clientCertificate,
        Optional<EtcdCredentials> credentials,
        Duration requestTimeout) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    public EtcdClientConfig {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(caCertificatePem, "caCertificatePem");
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is required");
        }
        for (URI endpoint : endpoints) {
            if (!"https".equals(endpoint.getScheme()) || endpoint.getHost() == null || endpoint.getPort() < 0) {
                throw new IllegalArgumentException("etcd endpoint must be https://host:port, got " + endpoint);
            }
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    public static EtcdClientConfig of(List<URI> endpoints, String caCertificatePem, CertificateBundle clientCertificate,
            EtcdCredentials credentials) {
        return new EtcdClientConfig(endpoints, caCertificatePem, clientCertificate, Optional.of(credentials),
                DEFAULT_REQUEST_TIMEOUT);
    }

    /** Only for a fresh member before {@code auth enable}. */
    public static EtcdClientConfig withoutAuth(List<URI> endpoints, String caCertificatePem,
            CertificateBundle clientCertificate) {
        return new EtcdClientConfig(endpoints, caCertificatePem, clientCertificate, Optional.empty(),
                DEFAULT_REQUEST_TIMEOUT);
    }

    public EtcdClientConfig withCredentials(EtcdCredentials newCredentials) {
        return new EtcdClientConfig(endpoints, caCertificatePem, clientCertificate, Optional.of(newCredentials),
                requestTimeout);
    }

    public EtcdClientConfig withEndpoints(List<URI> newEndpoints) {
        return new EtcdClientConfig(newEndpoints, caCertificatePem, clientCertificate, credentials, requestTimeout);
    }

    public EtcdClientConfig withRequestTimeout(Duration timeout) {
        return new EtcdClientConfig(endpoints, caCertificatePem, clientCertificate, credentials, timeout);
    }
}
