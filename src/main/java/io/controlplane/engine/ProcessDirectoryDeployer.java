package io.controlplane.engine;

import io.controlplane.config.ControlPlaneConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Deploys the BPMN files an operator edited from {@code engine.processes_dir}, so a changed process
 * takes effect without a rebuild. Unchanged files are filtered out by the engine; a changed file
 * becomes a new version, and new operations use the newest version.
 */
@Component
public class ProcessDirectoryDeployer {

    static final String DEPLOYMENT_NAME = "control-plane-processes-dir";
    private static final Logger LOG = LoggerFactory.getLogger(ProcessDirectoryDeployer.class);

    private final RepositoryService repository;
    private final Optional<Path> directory;

    public ProcessDirectoryDeployer(RepositoryService repository, ControlPlaneConfig config) {
        this.repository = repository;
        String dir = config.engine().processesDir();
        this.directory = dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    public void deployAtStart() {
        directory.ifPresent(d -> {
            List<ProcessDefinition> deployed = deploy();
            LOG.info("deployed {} new process version(s) from {}", deployed.size(), d);
        });
    }

    /** Deploys changed files; returns the process definitions that got a new version. */
    public synchronized List<ProcessDefinition> deploy() {
        Path dir = directory.orElseThrow(() -> new IllegalStateException("engine.processes_dir is not set"));
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".bpmn")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (files.isEmpty()) {
            return List.of();
        }
        DeploymentBuilder builder = repository.createDeployment().name(DEPLOYMENT_NAME)
                .source("engine.processes_dir").enableDuplicateFiltering(true);
        for (Path file : files) {
            try {
                builder.addInputStream(file.getFileName().toString(),
                        new ByteArrayInputStream(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        DeploymentWithDefinitions deployment = builder.deployWithResult();
        List<ProcessDefinition> definitions = deployment.getDeployedProcessDefinitions();
        return definitions == null ? List.of() : definitions;
    }
}
