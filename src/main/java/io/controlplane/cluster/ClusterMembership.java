package io.controlplane.cluster;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Whether this host is part of an initialized cluster. A host that never joined is {@code NOT_MEMBER}:
 * every {@code /v1} endpoint but version, init and join answers {@code cluster_not_initialized}. A host
 * whose data dir says it belongs to a cluster starts {@code REJOINING}: until it has reconnected to the
 * cluster it answers 503 {@code host_starting}, never that the cluster does not exist.
 */
@Component
public class ClusterMembership {

    public enum State { NOT_MEMBER, REJOINING, MEMBER }

    private final AtomicReference<State> state = new AtomicReference<>(State.NOT_MEMBER);
    private volatile String rejoinProblem = "";

    public State state() {
        return state.get();
    }

    public boolean isInitialized() {
        return state.get() == State.MEMBER;
    }

    /** True from start-up until a member of a cluster has reconnected to it. */
    public boolean isRejoining() {
        return state.get() == State.REJOINING;
    }

    /** Why the last attempt to reconnect failed (empty while none failed). */
    public String rejoinProblem() {
        return rejoinProblem;
    }

    /** Called at start-up when the data dir says this host belongs to a cluster. */
    public void markRejoining() {
        state.compareAndSet(State.NOT_MEMBER, State.REJOINING);
    }

    void rejoinFailed(String problem) {
        rejoinProblem = problem == null ? "" : problem;
    }

    /** Called once init, join or a rejoin has finished, before they return to the caller. */
    public void markInitialized() {
        state.set(State.MEMBER);
        rejoinProblem = "";
    }
}
