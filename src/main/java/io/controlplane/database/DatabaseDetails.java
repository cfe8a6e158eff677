package io.controlplane.database;

import io.controlplane.database.spec.DatabaseSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A database as the API shows it: its record, its spec (secrets still in: redact before showing) and instances. */
public record DatabaseDetails(DatabaseRecord record, DatabaseSpec specOrNull, List<InstanceDetails> instances) {

    public Optional<DatabaseSpec> spec() {
        return Optional.ofNullable(specOrNull);
    }

    /** The state the API shows: the stored one, {@code degraded} while an available database has an unhealthy instance. */
    public DatabaseState state() {
        return DatabaseService.derivedDatabaseState(record, instances, Instant.now());
    }

    /**
     * One instance with its state derived at read time (reference §5.6): while the stored state is
     * {@code available}, a stale or missing monitor status makes it {@code unknown} and Patroni's state
     * decides between available, modifying and degraded.
     */
    public record InstanceDetails(InstanceRecord record, InstanceState state, InstanceStatus statusOrNull,
                                  List<String> addresses) {

        public Optional<InstanceStatus> status() {
            return Optional.ofNullable(statusOrNull);
        }
    }
}
