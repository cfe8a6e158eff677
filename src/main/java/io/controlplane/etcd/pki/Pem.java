package io.controlplane.etcd.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM encoding and decoding of certificates and private keys. */
public final class Pem {

    private Pem() {
    }

    public static String encode(X509Certificate certificate) {
        return write(certificate);
    }

    /** PKCS#8 ("PRIVATE KEY"), not SEC1, because Netty's key manager only reads PKCS#8. */
    public static String encode(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new PkiException("cannot encode private key", e);
        }
    }

    public static X509Certificate parseCertificate(String pem) {
        Object object = read(pem);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new PkiException("PEM does not hold a certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new PkiException("invalid certificate", e);
        }
    }

    /** Accepts PKCS#8 and the OpenSSL "EC/RSA PRIVATE KEY" forms. */
    public static PrivateKey parsePrivateKey(String pem) {
        Object object = read(pem);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new PkiException("invalid private key", e);
        }
        throw new PkiException("PEM does not hold an unencrypted private key");
    }

    private static Object read(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new PkiException("no PEM object found");
            }
            return object;
        } catch (IOException e) {
            throw new PkiException("unreadable PEM", e);
        }
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new PkiException("cannot write PEM", e);
        }
        return out.toString();
    }
}
