package io.controlplane.engine;

/** External task topics: {@code <handler>@<host id>} for work bound to a host, {@code <handler>@any} otherwise. */
public final class Topics {

    public static final String ANY_HOST = "any";

    private Topics() {
    }

    public static String of(String handler, String host) {
        return handler + "@" + host;
    }

    public static String handlerOf(String topic) {
        int at = topic.lastIndexOf('@');
        return at < 0 ? topic : topic.substring(0, at);
    }
}
