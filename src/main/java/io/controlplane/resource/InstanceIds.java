package io.controlplane.resource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Names that stay compatible with pgEdge: instance ids and their Swarm service names. */
public final class InstanceIds {

    private InstanceIds() {
    }

    /** {@code <database_id>-<node_name>-<first 8 chars of base36(sha1(host_id))>}. */
    public static String instanceId(String databaseId, String nodeName, String hostId) {
        return databaseId + "-" + nodeName + "-" + hostHash(hostId);
    }

    public static String serviceName(String instanceId) {
        return "postgres-" + instanceId;
    }

    static String hostHash(String hostId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(hostId.getBytes(StandardCharsets.UTF_8));
            String base36 = new BigInteger(1, digest).toString(36);
            return (base36 + "00000000").substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }
}
