package io.controlplane.etcd.store;

import io.controlplane.etcd.EtcdException;

/**
 * Receives watch events in revision order, on a jetcd thread: hand long work to another thread.
 */
@FunctionalInterface
public interface WatchListener {

    void onEvent(WatchEvent event);

    /**
     * The watch failed for good (for example the start revision was compacted). Re-read and watch
     * again. Connection blips do not end up here; jetcd resumes the watch by itself.
     */
    default void onError(EtcdException error) {
    }
}
