package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

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

/** An operator's edited BPMN in engine.processes_dir becomes a new version; an unchanged one does not. */
class ProcessDirectoryDeployerTest {

    @TempDir
    Path dir;

    @Test
    void changedFilesBecomeNewVersionsAndUnchangedOnesAreSkipped() throws Exception {
        RepositoryService repository = TestServer.get().bean(RepositoryService.class);
        ControlPlaneConfig config = ConfigLoader.load(new String[0], Map.of(
                "CONTROL_PLANE_DATA_DIR", dir.toString(), "CONTROL_PLANE_HOST_ID", "h1",
                "CONTROL_PLANE_PEER_ADDRESSES", "127.0.0.1",
                "CONTROL_PLANE_ENGINE__PROCESSES_DIR", dir.resolve("bpmn").toString())).config();
        Files.createDirectories(dir.resolve("bpmn"));
        String original = Files.readString(Path.of("src/test/resources/processes/test-runner.bpmn"))
                .replace("id=\"test-runner\" name=\"Test runner\"", "id=\"operator-edited\" name=\"Edited v1\"");
        Files.writeString(dir.resolve("bpmn/operator-edited.bpmn"), original);
        ProcessDirectoryDeployer deployer = new ProcessDirectoryDeployer(repository, config);

        deployer.deploy();
        assertThat(latest(repository).getVersion()).isEqualTo(1);
        assertThat(latest(repository).getName()).isEqualTo("Edited v1");

        deployer.deploy();
        assertThat(latest(repository).getVersion()).isEqualTo(1);

        Files.writeString(dir.resolve("bpmn/operator-edited.bpmn"), original.replace("Edited v1", "Edited v2"));
        deployer.deploy();
        assertThat(latest(repository).getVersion()).isEqualTo(2);
        assertThat(latest(repository).getName()).isEqualTo("Edited v2");
    }

    private static ProcessDefinition latest(RepositoryService repository) {
        return repository.createProcessDefinitionQuery().processDefinitionKey("operator-edited").latestVersion()
                .singleResult();
    }
}
