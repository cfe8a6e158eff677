package io.controlplane.database.operation;

import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.InstanceState;
import io.controlplane.orchestrator.Orchestrator;
import io.controlplane.patroni.MemberStatus;
import io.controlplane.patroni.PatroniClient;
import io.controlplane.resource.InstanceIds;
import io.controlplane.resource.InstanceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The steps of restart-, stop- and start-instance, on the instance's host. Stop scales the instance's
 * service to zero (Patroni gets SIGTERM, stops Postgres cleanly and a leader hands its key over) and
 * marks the instance {@code stopped}; it stays stopped, whatever the monitor sees, until start scales
 * it back to one and the instance is ready.
 */
@Service
public class InstancePower {

    /** Longer than the stop grace period (30 s by default) plus a shutdown checkpoint. */
    static final Duration STOP_WAIT = Duration.ofSeconds(120);
    static final Duration START_WAIT = Duration.ofSeconds(60);
    static final Duration READY_WAIT = Duration.ofSeconds(90);

    private final DatabaseStore store;
    private final InstanceConfigs configs;
    private final Orchestrator orchestrator;

    public InstancePower(DatabaseStore store, InstanceConfigs configs, Orchestrator orchestrator) {
        this.store = store;
        this.configs = configs;
        this.orchestrator = orchestrator;
    }

    /** "Stop Postgres service": the service at zero replicas, its container gone, the instance stopped. */
    public String stop(String databaseId, String instanceId) {
        applied(databaseId, instanceId);
        boolean changed = orchestrator.scaleService(InstanceIds.serviceName(instanceId), 0, STOP_WAIT);
        store.updateInstance(databaseId, instanceId, r -> r.withState(InstanceState.STOPPED, null, Instant.now()));
        return changed ? "stopped service postgres-" + instanceId : "service postgres-" + instanceId + " was stopped already";
    }

    /** "Start Postgres service": the service back at one replica; the instance stays stopped until it is ready. */
    public String start(String databaseId, String instanceId) {
        applied(databaseId, instanceId);
        boolean changed = orchestrator.scaleService(InstanceIds.serviceName(instanceId), 1, START_WAIT);
        return changed ? "started service postgres-" + instanceId : "service postgres-" + instanceId + " was running already";
    }

    /**
     * "Restart Postgres with Patroni": Patroni restarts Postgres inside the running container. A Postgres
     * that started after {@code notBefore} (the request, or the scheduled time) has had its restart: a
     * rerun of the step does not restart it again. Without {@code notBefore} it always restarts.
     */
    public String restart(String databaseId, String instanceId, Optional<Instant> notBefore) {
        PatroniClient patroni = configs.patroniClient(applied(databaseId, instanceId));
        Optional<MemberStatus> status = patroni.status();
        if (status.isEmpty()) {
            throw new TransientException("Patroni of " + instanceId + " does not answer");
        }
        Optional<Instant> started = status.get().postmasterStart();
        if (status.get().isRunning() && notBefore.isPresent()
                && started.filter(s -> s.isAfter(notBefore.get())).isPresent()) {
            return "Postgres of " + instanceId + " started at " + started.get() + ", after the restart was due";
        }
        patroni.restart();
        return "restarted Postgres of " + instanceId;
    }

    /**
     * "Wait for instance ready" after a start or restart: Patroni runs it, a primary takes writes, a replica
     * streams; then the instance is {@code available}.
     */
    public String waitRunning(String databaseId, String instanceId) {
        InstanceSpec spec = applied(databaseId, instanceId);
        Instant deadline = Instant.now().plus(READY_WAIT);
        String last = "no answer from Patroni";
        while (Instant.now().isBefore(deadline)) {
            try {
                last = configs.readiness(spec);
            } catch (TransientException e) {
                last = e.getMessage();
            }
            if (last.isEmpty()) {
                store.updateInstance(databaseId, instanceId,
                        r -> r.withState(InstanceState.AVAILABLE, null, Instant.now()));
                return "instance " + instanceId + " is ready on port " + spec.port();
            }
            InstanceLifecycle.sleep(Duration.ofSeconds(1));
        }
        throw new TransientException("instance " + instanceId + " is not ready yet: " + last);
    }

    private InstanceSpec applied(String databaseId, String instanceId) {
        return store.instanceSpec(databaseId, instanceId).orElseThrow(() -> new PermanentException(
                "instance " + instanceId + " of database " + databaseId + " has no stored spec"));
    }
}
