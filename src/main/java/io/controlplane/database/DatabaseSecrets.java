package io.controlplane.database;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code /database_secrets/<id>}: passwords of the system users every instance of the database shares.
 * Generated once at create; never part of a response, a log line or a process variable.
 */
public record DatabaseSecrets(String superuserPassword, String replicationPassword) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static DatabaseSecrets generate() {
        return new DatabaseSecrets(randomPassword(), randomPassword());
    }

    public static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "DatabaseSecrets[***]";
    }
}
