package io.controlplane.pgbackrest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepositoryPathsTest {

    @Test
    void skipsEmptyPartsAndExtraSlashes() {
        assertThat(RepositoryPaths.path("/backups", "db1", "local", "n1")).isEqualTo("/backups/databases/db1/local/n1");
        assertThat(RepositoryPaths.path("/backups/", "db1", "", "n2")).isEqualTo("/backups/databases/db1/n2");
        assertThat(RepositoryPaths.path("", "db1", null, "n1")).isEqualTo("/databases/db1/n1");
        assertThat(RepositoryPaths.path("/", "db1", "r", "n1")).isEqualTo("/databases/db1/r/n1");
    }
}
