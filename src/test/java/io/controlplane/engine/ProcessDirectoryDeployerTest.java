package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.config.ConfigLoader;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's edited BPMN in engine.processes_dir becomes a new version when it changes (on request
 * and by the watcher); an unchanged one does not; one that fails the checks is refused with its file,
 * element id and reason, and the previous version stays the newest.
 */
class ProcessDirectoryDeployerTest {

    @TempDir
    Path dir;

    private ProcessDirectoryDeployer deployer(String key) throws Exception {
        ControlPlaneConfig config = ConfigLoader.load(new String[0], Map.of(
                "CONTROL_PLANE_DATA_DIR", dir.toString(), "CONTROL_PLANE_HOST_ID", "h1",
                "CONTROL_PLANE_PEER_ADDRESSES", "127.0.0.1",
                "CONTROL_PLANE_ENGINE__PROCESSES_DIR", dir.resolve("bpmn").toString())).config();
        Files.createDirectories(dir.resolve("bpmn"));
        return new ProcessDirectoryDeployer(TestServer.get().bean(RepositoryService.class),
                TestServer.get().bean(ProcessModelValidator.class), config);
    }

    private static String edited(String key, String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/processes/test-runner.bpmn"))
                .replace("id=\"test-runner\" name=\"Test runner\"", "id=\"" + key + "\" name=\"" + name + "\"");
    }

    @Test
    void changedFilesBecomeNewVersionsAndUnchangedOnesAreSkipped() throws Exception {
        ProcessDirectoryDeployer deployer = deployer("operator-edited");
        Files.writeString(dir.resolve("bpmn/operator-edited.bpmn"), edited("operator-edited", "Edited v1"));

        assertThat(deployer.deploy().deployed()).extracting(ProcessDirectoryDeployer.DeployedProcess::processKey)
                .containsExactly("operator-edited");
        assertThat(latest("operator-edited").getVersion()).isEqualTo(1);
        assertThat(latest("operator-edited").getName()).isEqualTo("Edited v1");

        ProcessDirectoryDeployer.Result again = deployer.deploy();
        assertThat(again.deployed()).isEmpty();
        assertThat(again.unchanged()).containsExactly("operator-edited.bpmn");
        assertThat(latest("operator-edited").getVersion()).isEqualTo(1);

        Files.writeString(dir.resolve("bpmn/operator-edited.bpmn"), edited("operator-edited", "Edited v2"));
        deployer.deploy();
        assertThat(latest("operator-edited").getVersion()).isEqualTo(2);
        assertThat(latest("operator-edited").getName()).isEqualTo("Edited v2");
    }

    @Test
    void theWatcherDeploysAChangedFileWithoutBeingAsked() throws Exception {
        ProcessDirectoryDeployer deployer = deployer("operator-watched");
        Files.writeString(dir.resolve("bpmn/operator-watched.bpmn"), edited("operator-watched", "Watched v1"));
        deployer.deployChanges();
        assertThat(latest("operator-watched").getVersion()).isEqualTo(1);

        deployer.deployChanges();
        assertThat(latest("operator-watched").getVersion()).isEqualTo(1);

        Files.writeString(dir.resolve("bpmn/operator-watched.bpmn"), edited("operator-watched", "Watched v2"));
        deployer.deployChanges();
        assertThat(latest("operator-watched").getVersion()).isEqualTo(2);
    }

    @Test
    void aFileWithAnUnknownTopicIsRefusedWithItsElementIdAndThePreviousVersionStays() throws Exception {
        ProcessDirectoryDeployer deployer = deployer("operator-refused");
        Files.writeString(dir.resolve("bpmn/operator-refused.bpmn"), edited("operator-refused", "Refused v1"));
        deployer.deploy();
        Files.writeString(dir.resolve("bpmn/operator-refused.bpmn"), edited("operator-refused", "Refused v2")
                .replace("testRecord@any", "noSuchHandler@any"));

        assertThatThrownBy(deployer::deploy).isInstanceOf(ProcessDirectoryDeployer.RefusedException.class)
                .satisfies(e -> assertThat(((ProcessDirectoryDeployer.RefusedException) e).problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.resource()).isEqualTo("operator-refused.bpmn");
                            assertThat(p.elementId()).isEqualTo("testRecord");
                            assertThat(p.reason()).contains("handler 'noSuchHandler'");
                        }));
        // the watcher refuses it too, once, and nothing changes
        deployer.deployChanges();
        assertThat(latest("operator-refused").getVersion()).isEqualTo(1);
        assertThat(latest("operator-refused").getName()).isEqualTo("Refused v1");
    }

    private static ProcessDefinition latest(String key) {
        return TestServer.get().bean(RepositoryService.class).createProcessDefinitionQuery().processDefinitionKey(key)
                .latestVersion().singleResult();
    }
}
