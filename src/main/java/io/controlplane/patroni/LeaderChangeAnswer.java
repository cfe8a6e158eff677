package io.controlplane.patroni;

/**
 * Patroni's answer to {@code POST /switchover} or {@code POST /failover}: 200 when the leader changed
 * (Patroni waits for it), 412 when Patroni refuses (no healthy candidate, a leader name that does not
 * match), 503 when the change failed or did not finish while Patroni waited ("status unknown").
 */
public record LeaderChangeAnswer(int status, String message) {

    public boolean changed() {
        return status == 200;
    }

    public boolean refused() {
        return status == 412;
    }
}
