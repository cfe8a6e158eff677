package io.controlplane.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresTuningTest {

    private static final long GIB = 1L << 30;

    @Test
    void smallInstanceOf4GibAnd2CpusHitsTheFloors() {
        // M = 4294967296
        Map<String, String> p = PostgresTuning.parameters(4 * GIB, 2, 1);
        assertThat(p).containsEntry("shared_buffers", "131072")          // M/32768 pages = 1 GiB
                .containsEntry("effective_cache_size", "262144")          // M/16384 pages = 2 GiB
                .containsEntry("maintenance_work_mem", "68759")           // 4398046511104/63963136 = 68759.6
                .containsEntry("max_connections", "450")                  // 4294967296/9531392 = 450.6
                .containsEntry("max_worker_processes", "12")              // max(4, 1, 12)
                .containsEntry("max_parallel_workers", "8")               // max(1, 8)
                .containsEntry("max_wal_senders", "16")                   // max(3, 16)
                .containsEntry("max_replication_slots", "16")
                .containsEntry("autovacuum_max_workers", "3")             // max(0, 3)
                .containsEntry("autovacuum_work_mem", "131072")           // max(131072, 65536)
                .containsEntry("autovacuum_vacuum_cost_limit", "200");    // log2(0.2) < 0 -> 200
    }

    @Test
    void largeInstanceOf64GibAnd16CpusScales() {
        // M = 68719476736
        Map<String, String> p = PostgresTuning.parameters(64 * GIB, 16, 3);
        assertThat(p).containsEntry("shared_buffers", "2097152")
                .containsEntry("effective_cache_size", "4194304")
                .containsEntry("maintenance_work_mem", "1100145")         // 70368744177664/63963136 = 1100145.3
                .containsEntry("max_connections", "5000")                 // min(7209.8, 5000)
                .containsEntry("max_worker_processes", "32")              // max(32, 3, 12)
                .containsEntry("max_parallel_workers", "8")               // max(8, 8)
                .containsEntry("max_wal_senders", "16")                   // max(5, 16)
                .containsEntry("autovacuum_max_workers", "3")             // 68719476736/64371566592 = 1 -> 3
                .containsEntry("autovacuum_work_mem", "2097152")
                .containsEntry("autovacuum_vacuum_cost_limit", "1006");   // log2(3.2)*600 = 1006.8
    }

    @Test
    void walSendersFollowLargeClusters() {
        assertThat(PostgresTuning.parameters(4 * GIB, 2, 20)).containsEntry("max_wal_senders", "22")
                .containsEntry("max_worker_processes", "20");
    }

    @Test
    void rejectsMissingResources() {
        assertThatThrownBy(() -> PostgresTuning.parameters(0, 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
