package io.controlplane.resource;

import io.controlplane.database.spec.ExtraVolume;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one Postgres instance (one host of one node) should be. Holds no secrets, so it can be stored
 * and shown as it is. A port of 0 means "allocate one on the host and keep it": once allocated, the
 * stored spec carries the real port and later plans reuse it.
 *
 * @param intendedPrimary the node's first host: the instance that bootstraps the node's Patroni cluster
 * @param backupOrNull    archiving, repository mounts and restore source; null is {@link InstanceBackup#NONE}
 */
public record InstanceSpec(
        String instanceId,
        String databaseId,
        String tenantIdOrNull,
        String databaseName,
        String nodeName,
        int nodeOrdinal,
        String hostId,
        boolean intendedPrimary,
        String postgresVersion,
        String image,
        int port,
        int patroniPort,
        String memoryOrNull,
        String cpusOrNull,
        Map<String, String> postgresqlConf,
        List<String> hbaEntries,
        List<String> identEntries,
        Map<String, String> extraLabels,
        List<ExtraVolume> extraVolumes,
        int clusterSize,
        int nodeSize,
        InstanceBackup backupOrNull) {

    public InstanceSpec {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(hostId, "hostId");
        postgresqlConf = Map.copyOf(postgresqlConf == null ? Map.of() : postgresqlConf);
        hbaEntries = List.copyOf(hbaEntries == null ? List.of() : hbaEntries);
        identEntries = List.copyOf(identEntries == null ? List.of() : identEntries);
        extraLabels = Map.copyOf(extraLabels == null ? Map.of() : extraLabels);
        extraVolumes = List.copyOf(extraVolumes == null ? List.of() : extraVolumes);
        // stored specs written before backups existed have none; NONE and null must compare equal
        backupOrNull = backupOrNull == null || backupOrNull.isNone() ? null : backupOrNull;
    }

    /** An instance without backups or restore. */
    public InstanceSpec(String instanceId, String databaseId, String tenantIdOrNull, String databaseName,
                        String nodeName, int nodeOrdinal, String hostId, boolean intendedPrimary,
                        String postgresVersion, String image, int port, int patroniPort, String memoryOrNull,
                        String cpusOrNull, Map<String, String> postgresqlConf, List<String> hbaEntries,
                        List<String> identEntries, Map<String, String> extraLabels, List<ExtraVolume> extraVolumes,
                        int clusterSize, int nodeSize) {
        this(instanceId, databaseId, tenantIdOrNull, databaseName, nodeName, nodeOrdinal, hostId, intendedPrimary,
                postgresVersion, image, port, patroniPort, memoryOrNull, cpusOrNull, postgresqlConf, hbaEntries,
                identEntries, extraLabels, extraVolumes, clusterSize, nodeSize, null);
    }

    public InstanceBackup backup() {
        return backupOrNull == null ? InstanceBackup.NONE : backupOrNull;
    }

    public InstanceSpec withBackup(InstanceBackup backup) {
        return new InstanceSpec(instanceId, databaseId, tenantIdOrNull, databaseName, nodeName, nodeOrdinal, hostId,
                intendedPrimary, postgresVersion, image, port, patroniPort, memoryOrNull, cpusOrNull, postgresqlConf,
                hbaEntries, identEntries, extraLabels, extraVolumes, clusterSize, nodeSize, backup);
    }

    public Optional<String> tenantId() { return Optional.ofNullable(tenantIdOrNull); }
    public Optional<String> memory() { return Optional.ofNullable(memoryOrNull); }
    public Optional<String> cpus() { return Optional.ofNullable(cpusOrNull); }

    public String postgresMajor() {
        int dot = postgresVersion.indexOf('.');
        return dot < 0 ? postgresVersion : postgresVersion.substring(0, dot);
    }

    public boolean portsAllocated() {
        return port > 0 && patroniPort > 0;
    }

    public InstanceSpec withPorts(int newPort, int newPatroniPort) {
        return new InstanceSpec(instanceId, databaseId, tenantIdOrNull, databaseName, nodeName, nodeOrdinal, hostId,
                intendedPrimary, postgresVersion, image, newPort, newPatroniPort, memoryOrNull, cpusOrNull,
                postgresqlConf, hbaEntries, identEntries, extraLabels, extraVolumes, clusterSize, nodeSize, backupOrNull);
    }

    /** Ports left to allocation (0) take the ones this instance already has, so they stay stable. */
    public InstanceSpec withPortsFrom(InstanceSpec current) {
        return withPorts(port == 0 ? current.port : port, patroniPort == 0 ? current.patroniPort : patroniPort);
    }
}
