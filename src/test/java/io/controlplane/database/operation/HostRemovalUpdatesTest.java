package io.controlplane.database.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.common.OperationFailedException;
import io.controlplane.common.TransientException;
import io.controlplane.database.DatabaseRecord;
import io.controlplane.database.DatabaseState;
import io.controlplane.database.DatabaseStore;
import io.controlplane.database.spec.DatabaseNodeSpec;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.support.TestServer;
import io.controlplane.task.NewTask;
import io.controlplane.task.Task;
import io.controlplane.task.TaskService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The remove-host steps around the database updates, against the test server's real etcd and task tables. */
class HostRemovalUpdatesTest {

    private final TestServer server = TestServer.get();
    private final HostRemovalUpdates updates = server.bean(HostRemovalUpdates.class);
    private final DatabaseStore store = server.bean(DatabaseStore.class);
    private final TaskService tasks = server.bean(TaskService.class);
    private final List<String> databases = new ArrayList<>();

    @AfterEach
    void removeDatabases() {
        databases.forEach(store::deleteDatabase);
    }

    @Test
    void takingTheHostOutTwiceChangesTheSpecOnceAndLeavesTheDatabaseModifying() {
        String db = database(Map.of("name", "n1", "host_ids", List.of("keep-1", "gone-1")),
                Map.of("name", "n2", "host_ids", List.of("gone-1")));

        assertThat(updates.takeHostOutOfSpecs("gone-1", List.of(db))).containsExactly("removing host from database '"
                + db + "'");
        var afterFirstRun = store.spec(db).orElseThrow().nodes();
        updates.takeHostOutOfSpecs("gone-1", List.of(db));

        assertThat(store.spec(db).orElseThrow().nodes()).isEqualTo(afterFirstRun);

        assertThat(store.spec(db).orElseThrow().nodes()).extracting(DatabaseNodeSpec::name).containsExactly("n1");
        assertThat(store.spec(db).orElseThrow().nodes().get(0).hostIds()).containsExactly("keep-1");
        assertThat(store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.MODIFYING);
    }

    @Test
    void aDatabaseDeletedMeanwhileEndsTheRemoval() {
        assertThatThrownBy(() -> updates.takeHostOutOfSpecs("gone-1", List.of("no-such-db-" + UUID.randomUUID())))
                .isInstanceOf(OperationFailedException.class).hasMessageContaining("no longer exists");
    }

    @Test
    void checkPassesWhenEveryUpdateCompletedAndNamesEachFailedOne() {
        Task done = tasks.create(NewTask.forDatabase("db-done", "update"));
        tasks.complete(done.getTaskId());
        Task failed = tasks.create(NewTask.forDatabase("db-failed", "update"));
        tasks.fail(failed.getTaskId(), "docker is not running");
        Task running = tasks.create(NewTask.forDatabase("db-running", "update"));
        Map<String, String> allDone = new LinkedHashMap<>(Map.of("db-done", done.getTaskId()));

        assertThat(updates.checkUpdatesCompleted(allDone))
                .containsExactly("successfully removing host from database 'db-done'");
        allDone.put("db-failed", failed.getTaskId());
        assertThatThrownBy(() -> updates.checkUpdatesCompleted(allDone)).isInstanceOf(OperationFailedException.class)
                .hasMessage("failed to update database 'db-failed': failed (docker is not running)");
        assertThatThrownBy(() -> updates.checkUpdatesCompleted(Map.of("db-running", running.getTaskId())))
                .isInstanceOf(TransientException.class);
    }

    @SafeVarargs
    private String database(Map<String, Object>... nodes) {
        String id = "hr-" + UUID.randomUUID().toString().substring(0, 8);
        var spec = new SpecParser().parseSpec(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                Map.of("database_name", "app", "postgres_version", "17.6", "nodes", List.of(nodes)))).value()
                .orElseThrow();
        Instant now = Instant.now();
        assertThat(store.create(new DatabaseRecord(id, null, DatabaseState.AVAILABLE, now, now, null), spec)).isTrue();
        databases.add(id);
        return id;
    }
}
