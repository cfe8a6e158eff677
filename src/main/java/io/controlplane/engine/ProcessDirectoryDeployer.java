package io.controlplane.engine;

import io.controlplane.config.ControlPlaneConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deploys the BPMN files an operator edited in {@code engine.processes_dir}, so a changed process takes
 * effect without a rebuild or a restart: at start, whenever a file changes (the directory is looked at
 * every two seconds) and on request ({@code POST /v1/processes/deploy}). Every deployment first passes
 * the {@link ProcessModelValidator}; a refused one changes nothing (the previous versions stay active)
 * and its problems are logged and returned. Unchanged files are filtered out by the engine; a changed
 * file becomes a new version: new operations use the newest version, running ones finish on theirs.
 */
@Component
public class ProcessDirectoryDeployer {

    static final String DEPLOYMENT_NAME = "control-plane-processes-dir";
    private static final Logger LOG = LoggerFactory.getLogger(ProcessDirectoryDeployer.class);

    private final RepositoryService repository;
    private final ProcessModelValidator validator;
    private final Optional<Path> directory;
    /** The content last deployed or refused, so the watcher acts once per change. */
    private String lastSeen = "";

    public ProcessDirectoryDeployer(RepositoryService repository, ProcessModelValidator validator,
                                    ControlPlaneConfig config) {
        this.repository = repository;
        this.validator = validator;
        String dir = config.engine().processesDir();
        this.directory = dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /** A new version of a process. */
    public record DeployedProcess(String processKey, int version, String processDefinitionId, String resource) {
    }

    /** What a deployment did: the processes that got a new version, and the files that had not changed. */
    public record Result(List<DeployedProcess> deployed, List<String> unchanged) {
    }

    /** A deployment the checks (or the engine's parser) refused; nothing of it was deployed. */
    public static final class RefusedException extends RuntimeException {
        private final List<ProcessModelValidator.Problem> problems;

        public RefusedException(List<ProcessModelValidator.Problem> problems) {
            super("the deployment was refused, the previous versions stay active:\n"
                    + String.join("\n", problems.stream().map(Object::toString).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<ProcessModelValidator.Problem> problems() {
            return problems;
        }
    }

    public Optional<Path> directory() {
        return directory;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    public void deployAtStart() {
        directory.ifPresent(d -> deployQuietly("at start"));
    }

    /** The watcher: deploys when the content of the directory's BPMN files changed since it last looked. */
    @Scheduled(initialDelay = 5_000, fixedDelay = 2_000)
    public void deployChanges() {
        if (directory.isEmpty() || !Files.isDirectory(directory.get())) {
            return;
        }
        String now;
        try {
            now = digest(read(directory.get()));
        } catch (UncheckedIOException e) {
            return; // a file being written: look again next round
        }
        synchronized (this) {
            if (now.equals(lastSeen)) {
                return;
            }
        }
        deployQuietly("after a change");
    }

    private void deployQuietly(String when) {
        try {
            Result result = deploy();
            if (!result.deployed().isEmpty()) {
                LOG.info("deployed from {} {}: {}", directory.get(), when, result.deployed().stream()
                        .map(p -> p.processKey() + " v" + p.version()).toList());
            }
        } catch (RefusedException e) {
            LOG.warn("{} ({} {})", e.getMessage(), directory.get(), when);
        } catch (RuntimeException e) {
            LOG.warn("could not deploy {} {}: {}", directory.get(), when, e.toString());
        }
    }

    /**
     * Checks and deploys the directory's BPMN files.
     *
     * @throws RefusedException with every problem when the checks or the engine refuse them
     * @throws IllegalStateException when {@code engine.processes_dir} is not set
     */
    public synchronized Result deploy() {
        Path dir = directory.orElseThrow(() -> new IllegalStateException(
                "engine.processes_dir is not set: there is no directory to deploy from"));
        Map<String, byte[]> files = read(dir);
        String digest = digest(files);
        if (files.isEmpty()) {
            lastSeen = digest;
            return new Result(List.of(), List.of());
        }
        List<ProcessModelValidator.Problem> problems = validator.validate(files);
        if (!problems.isEmpty()) {
            lastSeen = digest;
            throw new RefusedException(problems);
        }
        DeploymentBuilder builder = repository.createDeployment().name(DEPLOYMENT_NAME)
                .source("engine.processes_dir").enableDuplicateFiltering(true);
        files.forEach((name, content) -> builder.addInputStream(name, new ByteArrayInputStream(content)));
        DeploymentWithDefinitions deployment;
        try {
            deployment = builder.deployWithResult();
        } catch (ParseException e) {
            lastSeen = digest;
            throw new RefusedException(parseProblems(e));
        }
        lastSeen = digest;
        List<DeployedProcess> deployed = new ArrayList<>();
        List<ProcessDefinition> definitions = deployment.getDeployedProcessDefinitions();
        List<String> changed = new ArrayList<>();
        if (definitions != null) {
            for (ProcessDefinition d : definitions) {
                deployed.add(new DeployedProcess(d.getKey(), d.getVersion(), d.getId(), d.getResourceName()));
                changed.add(d.getResourceName());
            }
        }
        List<String> unchanged = files.keySet().stream().filter(f -> !changed.contains(f)).toList();
        return new Result(deployed, unchanged);
    }

    /** The engine's own parse errors, as problems with the file and element id. */
    public static List<ProcessModelValidator.Problem> parseProblems(ParseException e) {
        List<ProcessModelValidator.Problem> problems = new ArrayList<>();
        e.getResorceReports().forEach(report -> report.getErrors().forEach(p -> problems.add(
                new ProcessModelValidator.Problem(report.getResourceName(),
                        p.getMainElementId() == null ? "" : p.getMainElementId(), p.getMessage()))));
        if (problems.isEmpty()) {
            problems.add(new ProcessModelValidator.Problem("", "", e.getMessage()));
        }
        return problems;
    }

    private static Map<String, byte[]> read(Path dir) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".bpmn")).sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return files;
    }

    private static String digest(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((name, content) -> {
                sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(content);
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
