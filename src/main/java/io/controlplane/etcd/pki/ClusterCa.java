package io.controlplane.etcd.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority (EC P-256). It signs etcd server/peer certificates and
 * client certificates for hosts and Postgres instances.
 */
public final class ClusterCa {

    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(3650 - 30);

    /** Every server certificate carries these, so local tools can always connect over loopback. */
    private static final List<String> LOOPBACK_IPS = List.of("127.0.0.1", "::1");
    private static final String LOOPBACK_NAME = "localhost";
    /** Tolerates clocks of freshly started hosts being a little behind the issuer. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final Clock clock;

    private ClusterCa(X509Certificate certificate, PrivateKey privateKey, Clock clock) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.clock = clock;
    }

    public static ClusterCa create(String commonName) {
        return create(commonName, Clock.systemUTC());
    }

    static ClusterCa create(String commonName, Clock clock) {
        Objects.requireNonNull(commonName, "commonName");
        KeyPair keys = newKeyPair();
        X500Principal subject = new X500Principal("CN=" + escape(commonName));
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new ClusterCa(sign(builder, keys.getPrivate()), keys.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot create CA", e);
        }
    }

    /** Loads a CA saved with {@link #toBundle()}; fails if the key does not belong to the cert. */
    public static ClusterCa fromPem(String certificatePem, String privateKeyPem) {
        X509Certificate cert = Pem.parseCertificate(certificatePem);
        PrivateKey key = Pem.parsePrivateKey(privateKeyPem);
        ClusterCa ca = new ClusterCa(cert, key, Clock.systemUTC());
        ca.checkKeyMatches();
        return ca;
    }

    public static ClusterCa fromBundle(CertificateBundle bundle) {
        return fromPem(bundle.certificatePem(), bundle.privateKeyPem());
    }

    public CertificateBundle toBundle() {
        return new CertificateBundle(certificatePem(), Pem.encode(privateKey));
    }

    public String certificatePem() {
        return Pem.encode(certificate);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** sha256 of the CA certificate's DER encoding, lowercase hex. */
    public String fingerprint() {
        return fingerprint(certificate);
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot fingerprint certificate", e);
        }
    }

    public JoinToken newJoinToken() {
        return JoinToken.generate(fingerprint());
    }

    /**
     * A certificate for an etcd member (client and peer listener) or another TLS server. It also
     * has the clientAuth usage because etcd presents it when dialing peers and its own gateway.
     *
     * @param dnsNames host names the server is reached by
     * @param ipAddresses IP literals; each is also written as a DNS name since pgBackRest ignores
     *     IP SANs
     */
    public CertificateBundle issueServer(String commonName, Collection<String> dnsNames, Collection<String> ipAddresses) {
        Set<String> ips = new LinkedHashSet<>();
        for (String ip : ipAddresses) {
            ips.add(normalizeIp(ip));
        }
        LOOPBACK_IPS.forEach(ip -> ips.add(normalizeIp(ip)));
        Set<String> names = new LinkedHashSet<>(dnsNames);
        names.add(LOOPBACK_NAME);
        names.addAll(ips);

        List<GeneralName> sans = new ArrayList<>();
        names.forEach(name -> sans.add(new GeneralName(GeneralName.dNSName, name)));
        ips.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
        return issue(commonName, sans,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    }

    /** A client certificate; the CN is the etcd user name (only meaningful with client-cert-auth). */
    public CertificateBundle issueClient(String userName) {
        return issue(userName, List.of(), new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    }

    private CertificateBundle issue(String commonName, List<GeneralName> sans, ExtendedKeyUsage usage) {
        Objects.requireNonNull(commonName, "commonName");
        KeyPair keys = newKeyPair();
        Instant now = clock.instant();
        Instant notAfter = now.plus(LEAF_VALIDITY);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter),
                    new X500Principal("CN=" + escape(commonName)), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    // ECDSA keys only sign; keyEncipherment would be wrong for them
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, usage)
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            X509Certificate cert = sign(builder, privateKey);
            return new CertificateBundle(Pem.encode(cert), Pem.encode(keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot issue certificate for " + commonName, e);
        }
    }

    private void checkKeyMatches() {
        try {
            byte[] data = "cluster-ca-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(data);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(data);
            if (!verifier.verify(signature)) {
                throw new PkiException("CA private key does not match the CA certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new PkiException("CA key is not a usable EC key", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new PkiException("cannot create signer", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot generate EC P-256 key", e);
        }
    }

    /** Positive and at most 20 octets, as RFC 5280 requires. */
    private static BigInteger serial() {
        return new BigInteger(159, RANDOM).add(BigInteger.ONE);
    }

    /** Validates an IP literal without DNS lookups and keeps it as written (lowercase). */
    private static String normalizeIp(String ip) {
        String literal = ip.trim().toLowerCase(java.util.Locale.ROOT);
        if (!literal.matches("[0-9a-f:.]+") || !(literal.contains(".") || literal.contains(":"))) {
            throw new IllegalArgumentException("not an IP address literal: " + ip);
        }
        try {
            InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + ip, e);
        }
        return literal;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+")
                .replace("\"", "\\\"").replace("<", "\\<").replace(">", "\\>").replace(";", "\\;")
                .replace("=", "\\=");
    }
}
