package io.controlplane.processes;

import static io.controlplane.processes.ProcessDriver.DONE;
import static io.controlplane.processes.ProcessDriver.HOLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.database.DatabaseState;
import io.controlplane.engine.CustomOperations;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.OperationRefusedException;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.processes.ProcessDriver.Complete;
import io.controlplane.processes.ProcessDriver.Step;
import io.controlplane.support.TestServer;
import io.controlplane.task.Task;
import io.controlplane.task.TaskScope;
import io.controlplane.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example operations of processes/examples, deployed into the test server's engine and walked with
 * fake steps: topology first, then the statement once per node on that node's primary's host; the task,
 * its type and the one-operation-at-a-time claim on the database. (OperationsIT runs them on real
 * Postgres.)
 */
class ExampleOperationsTest {

    private final ProcessDriver driver = new ProcessDriver();

    @BeforeAll
    static void deployExamples() throws IOException {
        DeploymentBuilder deployment = TestServer.get().bean(RepositoryService.class).createDeployment()
                .name("examples-under-test").enableDuplicateFiltering(true);
        try (Stream<Path> files = Files.list(Path.of("processes", "examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".bpmn")).toList()) {
                deployment.addString(f.getFileName().toString(), Files.readString(f));
            }
        }
        deployment.deploy();
    }

    @AfterEach
    void removeStoredDatabases() {
        driver.removeStoredDatabases();
    }

    @Test
    void vacuumAnalyzeRunsOnEveryNodesPrimaryAsATaskAndHoldsTheDatabase() {
        Steps steps = run("vacuum-analyze", "vacuum_analyze");

        assertThat(steps.sql()).containsOnly("VACUUM ANALYZE");
    }

    @Test
    void cancelLongQueriesRunsOnEveryNodesPrimaryAsATask() {
        Steps steps = run("cancel-long-queries", "cancel_long_queries");

        assertThat(steps.sql()).allMatch(s -> s.startsWith("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity"));
    }

    private record Steps(List<Step> all) {
        List<String> sql() {
            return all.stream().filter(s -> s.handler().equals(HandlerNames.RUN_SQL))
                    .map(s -> s.variables().get(ProcessVariables.SQL).toString()).toList();
        }
    }

    /** Starts the operation as Tasklist would (variables databaseId, requestHost) and drives it to its end. */
    private Steps run(String processKey, String taskType) {
        String db = driver.storedDatabase(DatabaseState.AVAILABLE);
        ProcessInstance started = driver.runtime.startProcessInstanceByKey(processKey, Map.of(
                ProcessVariables.DATABASE_ID, db, ProcessVariables.REQUEST_HOST, driver.requestHost));
        Task task = driver.tasks.find(started.getBusinessKey()).orElseThrow();
        assertThat(task.getType()).isEqualTo(taskType);
        assertThat(task.getScope()).isEqualTo(TaskScope.DATABASE);
        assertThat(task.getEntityId()).isEqualTo(db);

        List<Step> first = driver.drive(started.getId(), step -> HOLD);
        assertThat(first).extracting(Step::handler).containsExactly(HandlerNames.READ_TOPOLOGY);
        // the database is claimed while the operation runs: a second operation is refused
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.MODIFYING);
        assertThatThrownBy(() -> driver.server.bean(CustomOperations.class).start(TaskScope.DATABASE, db, processKey,
                Map.of())).isInstanceOf(OperationRefusedException.class).hasMessageContaining("one operation at a time");

        // the held "Read database topology" was locked by the driver: give it back, then work it
        driver.externalTasks.unlock(driver.externalTasks.createExternalTaskQuery().processInstanceId(started.getId())
                .singleResult().getId());
        List<Step> rest = driver.drive(started.getId(), step -> step.handler().equals(HandlerNames.READ_TOPOLOGY)
                ? new Complete(Map.of(ProcessVariables.NODES, "n1,n2",
                        ProcessVariables.NODE_HOSTS, "n1=" + driver.hostA + ",n2=" + driver.hostB,
                        ProcessVariables.INSTANCE_IDS, "db-n1-a,db-n2-b",
                        ProcessVariables.INSTANCE_HOSTS, "db-n1-a=" + driver.hostA + ",db-n2-b=" + driver.hostB))
                : DONE);

        assertThat(rest).extracting(Step::handler).containsExactly(HandlerNames.READ_TOPOLOGY, HandlerNames.RUN_SQL,
                HandlerNames.RUN_SQL);
        assertThat(rest.subList(1, 3)).extracting(Step::at).containsExactlyInAnyOrder(
                "runSql@" + driver.hostA + "(n1)", "runSql@" + driver.hostB + "(n2)");
        assertThat(driver.ended(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(driver.store.record(db).orElseThrow().state()).isEqualTo(DatabaseState.AVAILABLE);
        return new Steps(rest);
    }
}
