package io.controlplane.database.spec.validation;

/** Reasons shared by several rules; the pgEdge ones are quoted exactly for wire compatibility. */
final class Messages {

    static final String NODE_NAME = "must match n[0-9]+, e.g. n1";
    static final String NODE_NUMBER = "the number after n must be at most " + Integer.MAX_VALUE;
    static final String INVALID_OPTION_NAME = "invalid option name"; // pgEdge

    private Messages() {
    }

    static String length(int min, int max) {
        return min == max ? "must be exactly " + min + " characters long"
                : min == 0 ? "must be at most " + max + " characters long"
                : "must be between " + min + " and " + max + " characters long";
    }

    static String atMost(int max, String what) {
        return "must have at most " + max + " " + what;
    }

    static boolean lengthIn(String s, int min, int max) {
        int len = s.codePointCount(0, s.length());
        return len >= min && len <= max;
    }
}
