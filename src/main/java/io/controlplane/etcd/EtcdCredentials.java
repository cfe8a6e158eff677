package io.controlplane.etcd;

import java.util.Objects;

/** An etcd user name and password. Every client sends one once auth is enabled. */
public record EtcdCredentials(String user, String password) {

    public EtcdCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("etcd user must not be empty");
        }
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "EtcdCredentials[user=" + user + ", password=***]";
    }
}
