package io.controlplane.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * Whether this host is part of an initialized cluster. Until it is, every {@code /v1} endpoint but
 * version, init and join answers {@code cluster_not_initialized}.
 */
@Component
public class ClusterMembership {

    private final AtomicBoolean initialized = new AtomicBoolean(false);

    public boolean isInitialized() {
        return initialized.get();
    }

    /** Called once init or join has finished, before they return to the caller. */
    public void markInitialized() {
        initialized.set(true);
    }
}
