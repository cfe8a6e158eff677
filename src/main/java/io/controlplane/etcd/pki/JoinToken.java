package io.controlplane.etcd.pki;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The secret a host presents to join the cluster: {@code CP-<sha256 of the CA cert DER>-<16
 * random bytes>}, all lowercase hex. The first part lets a joining host check it talks to the
 * right cluster; the second part is the actual secret.
 */
public record JoinToken(String value) {

    private static final Pattern SHAPE = Pattern.compile("^CP-[0-9a-f]{64}-[0-9a-f]{32}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    public JoinToken {
        Objects.requireNonNull(value, "value");
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("join token must match " + SHAPE.pattern());
        }
    }

    static JoinToken generate(String caFingerprint) {
        byte[] secret = new byte[16];
        RANDOM.nextBytes(secret);
        return new JoinToken("CP-" + caFingerprint + "-" + HexFormat.of().formatHex(secret));
    }

    public static boolean isWellFormed(String candidate) {
        return candidate != null && SHAPE.matcher(candidate).matches();
    }

    /** The CA fingerprint part (sha256 of the CA certificate's DER, lowercase hex). */
    public String caFingerprint() {
        return value.substring(3, 67);
    }

    /**
     * Constant-time comparison, so the time taken does not reveal how much of a guess was right.
     * A malformed candidate is rejected before comparing.
     */
    public boolean matches(String candidate) {
        if (!isWellFormed(candidate)) {
            return false;
        }
        return MessageDigest.isEqual(
                value.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII));
    }

    /** Keeps the secret out of logs. */
    @Override
    public String toString() {
        return "JoinToken[CP-" + caFingerprint().substring(0, 12) + "...]";
    }
}
