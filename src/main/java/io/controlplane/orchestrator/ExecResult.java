package io.controlplane.orchestrator;

import java.util.List;

/**
 * How a command run inside a service's container ended.
 *
 * @param lastLines the last lines it wrote (stdout and stderr, in order), for error messages
 */
public record ExecResult(int exitCode, List<String> lastLines) {

    public ExecResult {
        lastLines = List.copyOf(lastLines);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** The last lines as one string, for an error message. */
    public String tail() {
        return String.join("\n", lastLines);
    }
}
