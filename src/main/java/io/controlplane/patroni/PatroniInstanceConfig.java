package io.controlplane.patroni;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the Patroni configuration of one instance is made from. Computed from the database spec
 * and the instance's allocated ports; holds secrets, so never log it.
 *
 * @param advertiseAddress the host address other instances and clients use (Patroni's connect_address)
 * @param etcdHosts        etcd client endpoints as {@code host:port}
 * @param memoryBytes      memory the tuning formulas of §6.3 use (the spec's, else the host's)
 * @param cpus             CPUs the tuning formulas use
 * @param postgresqlConf   user settings, node-level merged over database-level, as postgresql.conf text
 * @param hbaEntries       user pg_hba lines, node-level first, then database-level
 * @param systemAddresses  addresses of every host of the database, for system pg_hba rules and the
 *                         REST API allowlist
 * @param archiveCommandOrNull  the {@code archive_command} while backups are configured (pgBackRest's
 *                         archive-push); null archives nothing ({@code /bin/true})
 * @param restoreCommandOrNull  the command Patroni bootstraps a new node with instead of initdb (a
 *                         pgBackRest restore); null bootstraps with initdb
 */
public record PatroniInstanceConfig(
        String databaseId,
        String tenantIdOrNull,
        String nodeName,
        int nodeOrdinal,
        String instanceId,
        String postgresMajor,
        String advertiseAddress,
        int postgresPort,
        int patroniPort,
        List<String> etcdHosts,
        String etcdUser,
        String etcdPassword,
        String superuserPassword,
        String replicationPassword,
        int clusterSize,
        int nodeSize,
        long memoryBytes,
        double cpus,
        Map<String, String> postgresqlConf,
        List<String> hbaEntries,
        List<String> identEntries,
        List<String> systemAddresses,
        String archiveCommandOrNull,
        String restoreCommandOrNull) {

    /** The superuser the control plane connects as (reference: {@code pgedge}). */
    public static final String SUPERUSER = "pgedge";
    /** The replication user of Patroni's streaming replicas. */
    public static final String REPLICATION_USER = "patroni_replicator";

    public PatroniInstanceConfig {
        Objects.requireNonNull(databaseId, "databaseId");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(instanceId, "instanceId");
        etcdHosts = List.copyOf(etcdHosts);
        postgresqlConf = Map.copyOf(postgresqlConf);
        hbaEntries = List.copyOf(hbaEntries);
        identEntries = List.copyOf(identEntries);
        systemAddresses = List.copyOf(systemAddresses);
    }

    /** An instance without backups or restore. */
    public PatroniInstanceConfig(String databaseId, String tenantIdOrNull, String nodeName, int nodeOrdinal,
                                 String instanceId, String postgresMajor, String advertiseAddress, int postgresPort,
                                 int patroniPort, List<String> etcdHosts, String etcdUser, String etcdPassword,
                                 String superuserPassword, String replicationPassword, int clusterSize, int nodeSize,
                                 long memoryBytes, double cpus, Map<String, String> postgresqlConf,
                                 List<String> hbaEntries, List<String> identEntries, List<String> systemAddresses) {
        this(databaseId, tenantIdOrNull, nodeName, nodeOrdinal, instanceId, postgresMajor, advertiseAddress,
                postgresPort, patroniPort, etcdHosts, etcdUser, etcdPassword, superuserPassword, replicationPassword,
                clusterSize, nodeSize, memoryBytes, cpus, postgresqlConf, hbaEntries, identEntries, systemAddresses,
                null, null);
    }

    /** The same instance archiving with {@code archiveCommand} and bootstrapping with {@code restoreCommand}. */
    public PatroniInstanceConfig withPgBackRest(String archiveCommand, String restoreCommand) {
        return new PatroniInstanceConfig(databaseId, tenantIdOrNull, nodeName, nodeOrdinal, instanceId, postgresMajor,
                advertiseAddress, postgresPort, patroniPort, etcdHosts, etcdUser, etcdPassword, superuserPassword,
                replicationPassword, clusterSize, nodeSize, memoryBytes, cpus, postgresqlConf, hbaEntries,
                identEntries, systemAddresses, archiveCommand, restoreCommand);
    }

    public Optional<String> archiveCommand() {
        return Optional.ofNullable(archiveCommandOrNull);
    }

    public Optional<String> restoreCommand() {
        return Optional.ofNullable(restoreCommandOrNull);
    }

    public Optional<String> tenantId() {
        return Optional.ofNullable(tenantIdOrNull);
    }

    /** Patroni scope: {@code <database_id>:<node_name>} (see {@link PatroniKeys}). */
    public String scope() {
        return PatroniKeys.scope(databaseId, nodeName);
    }

    @Override
    public String toString() {
        return "PatroniInstanceConfig[" + instanceId + ", scope=" + scope() + ", postgresPort=" + postgresPort
                + ", patroniPort=" + patroniPort + "]";
    }
}
