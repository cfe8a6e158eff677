package io.controlplane.database;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Optional;

/** {@code /instances/<database_id>/<instance_id>}: where an instance runs and what state the operations left it in. */
public record InstanceRecord(
        String id,
        String databaseId,
        String hostId,
        String nodeName,
        InstanceState state,
        int port,
        int patroniPort,
        Instant createdAt,
        Instant updatedAt,
        @JsonProperty("error") String errorOrNull) {

    public Optional<String> error() { return Optional.ofNullable(errorOrNull); }

    public InstanceRecord withState(InstanceState newState, String error, Instant now) {
        return new InstanceRecord(id, databaseId, hostId, nodeName, newState, port, patroniPort, createdAt, now, error);
    }

    public InstanceRecord withPorts(int newPort, int newPatroniPort, Instant now) {
        return new InstanceRecord(id, databaseId, hostId, nodeName, state, newPort, newPatroniPort, createdAt, now,
                errorOrNull);
    }
}
