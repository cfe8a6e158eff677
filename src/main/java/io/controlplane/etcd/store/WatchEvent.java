package io.controlplane.etcd.store;

import java.util.Objects;
import java.util.Optional;

/** One change under a watched prefix. Deletes carry no value. */
public record WatchEvent(Type type, String key, Optional<String> value, long modRevision) {

    public enum Type { PUT, DELETE }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
