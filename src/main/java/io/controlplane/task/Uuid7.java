package io.controlplane.task;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered UUIDs (RFC 9562 version 7). Ids made by one process are strictly increasing, so their
 * canonical strings sort in creation order, which the list cursors rely on.
 */
public final class Uuid7 {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static long sequence;

    private Uuid7() {
    }

    public static synchronized UUID next() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
            sequence = RANDOM.nextInt(1 << 10);
        } else {
            sequence++;
            if (sequence >= (1 << 12)) {
                // 4096 ids within one millisecond: borrow the next millisecond to stay ordered
                lastMillis++;
                sequence = 0;
            }
        }
        long msb = (lastMillis << 16) | (0x7L << 12) | sequence;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    public static boolean isUuid(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(s).toString().equals(s.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
