package io.controlplane.etcd.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All keys under a prefix at one store revision, in key order. Watch from {@code revision + 1}
 * to follow changes without missing any.
 */
public record PrefixSnapshot(Map<String, VersionedValue> entries, long revision) {

    public PrefixSnapshot {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
}
