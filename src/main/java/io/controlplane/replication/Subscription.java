package io.controlplane.replication;

import java.util.Optional;

/**
 * A subscription on a node, as its catalog and its apply worker say.
 *
 * @param status    the provider's word for it: {@code replicating}, {@code initializing}, {@code down},
 *                  {@code disabled}
 * @param copyState where the subscription's initial copy is ({@link CopyState#READY} when it had none)
 */
public record Subscription(String name, String providerNode, boolean enabled, String status, CopyState copyState,
                           String slotName) {

    public boolean isDown() {
        return enabled && "down".equals(status);
    }

    public Optional<CopyState> copy() {
        return Optional.ofNullable(copyState);
    }
}
