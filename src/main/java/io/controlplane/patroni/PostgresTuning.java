package io.controlplane.patroni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resource-derived GUCs of reference §6.3, from memory M (bytes), CPUs C and cluster size N. Values
 * are unit-less, so Postgres reads them in the GUC's base unit (8 kB pages or kB), exactly as pgEdge
 * emits them.
 */
final class PostgresTuning {

    private static final long GIB = 1L << 30;

    private PostgresTuning() {
    }

    static Map<String, String> parameters(long memoryBytes, double cpus, int clusterSize) {
        if (memoryBytes <= 0 || cpus <= 0 || clusterSize <= 0) {
            throw new IllegalArgumentException("tuning needs positive memory, cpus and cluster size, got "
                    + memoryBytes + " bytes, " + cpus + " cpus, " + clusterSize + " nodes");
        }
        long m = memoryBytes;
        int senders = Math.max(clusterSize + 2, 16);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("shared_buffers", Long.toString(m / 32768));
        p.put("effective_cache_size", Long.toString(m / 16384));
        p.put("maintenance_work_mem", Long.toString(Math.max(m * 1024 / 63963136, 65536)));
        p.put("max_connections", Long.toString(Math.min(m / 9531392, 5000)));
        p.put("max_worker_processes", Long.toString(Math.max(Math.max((long) Math.floor(2 * cpus), clusterSize), 12)));
        p.put("max_parallel_workers", Long.toString(Math.max((long) Math.floor(cpus / 2), 8)));
        p.put("max_wal_senders", Integer.toString(senders));
        p.put("max_replication_slots", Integer.toString(senders));
        p.put("autovacuum_max_workers", Long.toString(Math.max(m / 64371566592L, 3)));
        p.put("autovacuum_work_mem", Long.toString(Math.max(m / 32768, 65536)));
        double log2 = Math.log((double) m / (20 * GIB)) / Math.log(2);
        p.put("autovacuum_vacuum_cost_limit", Long.toString(Math.max((long) Math.floor(log2 * 600), 200)));
        return p;
    }
}
