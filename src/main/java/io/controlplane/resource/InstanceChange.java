package io.controlplane.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What updating an instance from {@code have} to {@code want} changes, and whether Postgres restarts
 * for it. Pure. The restart is predicted the way the update steps decide it: a change of the Swarm
 * service spec (image, resources, labels, volumes, the health check's Patroni port) replaces the
 * container, and a changed setting of PostgreSQL 15's {@code postmaster} context (or the port) needs a
 * restart after the reload; everything else is reloaded.
 *
 * @param changes        the fields that differ, e.g. {@code postgresql_conf.shared_buffers}, {@code memory}
 * @param restartReasons the changes that restart Postgres; empty: a reload applies the update
 */
public record InstanceChange(String instanceId, List<String> changes, List<String> restartReasons) {

    /** PostgreSQL 15 settings of context {@code postmaster}: only a restart applies a change. */
    static final Set<String> RESTART_SETTINGS = Set.of("archive_mode", "autovacuum_freeze_max_age",
            "autovacuum_max_workers", "autovacuum_multixact_freeze_max_age", "bonjour", "bonjour_name",
            "cluster_name", "config_file", "data_directory", "data_sync_retry", "dynamic_shared_memory_type",
            "event_source", "external_pid_file", "hba_file", "hot_standby", "huge_page_size", "huge_pages",
            "ident_file", "ignore_invalid_pages", "jit_provider", "listen_addresses", "logging_collector",
            "max_connections", "max_files_per_process", "max_locks_per_transaction",
            "max_logical_replication_workers", "max_pred_locks_per_transaction", "max_prepared_transactions",
            "max_replication_slots", "max_wal_senders", "max_worker_processes", "min_dynamic_shared_memory",
            "old_snapshot_threshold", "port", "recovery_target", "recovery_target_action",
            "recovery_target_inclusive", "recovery_target_lsn", "recovery_target_name", "recovery_target_time",
            "recovery_target_timeline", "recovery_target_xid", "shared_buffers", "shared_memory_type",
            "shared_preload_libraries", "superuser_reserved_connections", "track_activity_query_size",
            "track_commit_timestamp", "unix_socket_directories", "unix_socket_group", "unix_socket_permissions",
            "wal_buffers", "wal_decode_buffer_size", "wal_level", "wal_log_hints", "pglogical.batch_inserts");

    public InstanceChange {
        changes = List.copyOf(changes);
        restartReasons = List.copyOf(restartReasons);
    }

    public boolean restart() {
        return !restartReasons.isEmpty();
    }

    public static InstanceChange between(InstanceSpec have, InstanceSpec want) {
        List<String> changes = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        // the Swarm service spec: a change replaces the container
        differs(changes, restart, "image", have.image(), want.image(), true);
        differs(changes, restart, "postgres_version", have.postgresVersion(), want.postgresVersion(), true);
        differs(changes, restart, "memory", have.memoryOrNull(), want.memoryOrNull(), true);
        differs(changes, restart, "cpus", have.cpusOrNull(), want.cpusOrNull(), true);
        differs(changes, restart, "orchestrator_opts.swarm.extra_labels", have.extraLabels(), want.extraLabels(), true);
        differs(changes, restart, "orchestrator_opts.swarm.extra_volumes", have.extraVolumes(), want.extraVolumes(),
                true);
        differs(changes, restart, "patroni_port", have.patroniPort(), want.patroniPort(), true);
        differs(changes, restart, "port", have.port(), want.port(), true);
        differs(changes, restart, "tenant_id", have.tenantIdOrNull(), want.tenantIdOrNull(), true);
        // Patroni's configuration: reloaded, restarted for postmaster settings
        Set<String> names = new TreeSet<>(have.postgresqlConf().keySet());
        names.addAll(want.postgresqlConf().keySet());
        Map<String, String> before = have.postgresqlConf();
        Map<String, String> after = want.postgresqlConf();
        for (String name : names) {
            differs(changes, restart, "postgresql_conf." + name, before.get(name), after.get(name),
                    RESTART_SETTINGS.contains(name));
        }
        differs(changes, restart, "pg_hba_conf", have.hbaEntries(), want.hbaEntries(), false);
        differs(changes, restart, "pg_ident_conf", have.identEntries(), want.identEntries(), false);
        differs(changes, restart, "database_name", have.databaseName(), want.databaseName(), false);
        // the number of nodes feeds the generated tuning, whose postmaster settings (max_worker_processes at
        // least 12, max_wal_senders at least 16) only move beyond a dozen nodes; a node's size is Patroni's
        // failsafe mode, which a reload applies
        boolean tuningMoves = Math.max(have.clusterSize(), want.clusterSize()) > 12;
        differs(changes, restart, "cluster_size", have.clusterSize(), want.clusterSize(), tuningMoves);
        differs(changes, restart, "node_size", have.nodeSize(), want.nodeSize(), false);
        return new InstanceChange(want.instanceId(), changes, restart);
    }

    private static void differs(List<String> changes, List<String> restart, String name, Object before, Object after,
                                boolean restarts) {
        if (!Objects.equals(before, after)) {
            changes.add(name);
            if (restarts) {
                restart.add(name);
            }
        }
    }
}
