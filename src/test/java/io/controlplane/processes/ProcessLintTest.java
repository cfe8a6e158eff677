package io.controlplane.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real bpmnlint (npm, {@code package.json} / {@code .bpmnlintrc}: recommended rules plus the
 * Camunda 7.24 compatibility rules) over every {@code processes/*.bpmn} and {@code processes/examples/*.bpmn}, and the Camunda element
 * template validator over the Modeler templates. A missing installation fails the test: run
 * {@code source scripts/lib/prereqs.sh && cp_ensure_bpmnlint} (scripts/test.sh does).
 */
class ProcessLintTest {

    private static final Path BPMNLINT = Path.of("node_modules", ".bin", "bpmnlint");
    private static final String INSTALL = "bpmnlint is not installed in node_modules/: run "
            + "`source scripts/lib/prereqs.sh && cp_ensure_bpmnlint` from the repository root (npm ci from "
            + "package-lock.json)";

    @BeforeAll
    static void bpmnlintIsInstalled() {
        assertThat(Files.isExecutable(BPMNLINT)).as(INSTALL).isTrue();
    }

    @Test
    void everyProcessPassesBpmnlint() throws Exception {
        List<String> files = bpmnFiles(Path.of("processes"));
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);

        Result lint = run(command(Path.of(".bpmnlintrc"), files));

        assertThat(lint.exitCode()).as("bpmnlint " + String.join(" ", files) + "\n" + lint.output()).isZero();
    }

    @Test
    void everyExampleOperationPassesBpmnlint() throws Exception {
        List<String> files = bpmnFiles(Path.of("processes", "examples"));
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);

        Result lint = run(command(Path.of(".bpmnlintrc"), files));

        assertThat(lint.exitCode()).as("bpmnlint " + String.join(" ", files) + "\n" + lint.output()).isZero();
    }

    @Test
    void bpmnlintFailsAProcessWhoseFlowNodesDoNotListTheirFlows(@TempDir Path dir) throws Exception {
        String broken = Files.readString(Path.of("processes", "create-instance.bpmn"))
                .replaceAll("\\s*<bpmn:incoming>[^<]*</bpmn:incoming>", "")
                .replaceAll("\\s*<bpmn:outgoing>[^<]*</bpmn:outgoing>", "");
        Path file = dir.resolve("create-instance.bpmn");
        Files.writeString(file, broken);

        Result lint = run(command(Path.of(".bpmnlintrc"), List.of(file.toString())));

        assertThat(lint.exitCode()).as(lint.output()).isNotZero();
        assertThat(lint.output()).contains("no-implicit-start", "no-implicit-end", "no-disconnected");
    }

    @Test
    void theModelerTemplatesAreValidCamunda7ElementTemplates() throws Exception {
        Result validation = run(List.of("node", "scripts/lint/element-templates.cjs",
                "processes/element-templates/control-plane-steps.json"));

        assertThat(validation.exitCode()).as(validation.output()).isZero();
        assertThat(validation.output()).contains("0 errors");
    }

    private static List<String> command(Path config, List<String> files) {
        List<String> cmd = new ArrayList<>(List.of(BPMNLINT.toString(), "--config", config.toString()));
        cmd.addAll(files);
        return cmd;
    }

    private static List<String> bpmnFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".bpmn")).sorted().map(Path::toString).toList();
        }
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished: " + command).isTrue();
        return new Result(p.exitValue(), out);
    }
}
