package io.controlplane.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The docker CLI as the e2e tests use it: run a command, and remove what a test's databases left in Swarm. */
final class Docker {

    /** The label our Swarm services and their containers carry with their database's id. */
    static final String DATABASE_LABEL = "controlplane.database.id";

    private Docker() {
    }

    /** Runs {@code docker args...}; its output lines, trimmed, without empty ones; an AssertionError if it fails. */
    static List<String> run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("failed: " + cmd + "\n" + out);
            }
            return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new AssertionError("failed: " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + cmd, e);
        }
    }

    /**
     * Cleanup after a test class, also after a failure: removes the Swarm services of these databases and waits
     * (at most 60 s each) until their containers are gone. Never throws: what it cannot remove is printed.
     */
    static void removeDatabaseServices(Collection<String> databaseIds) {
        for (String db : databaseIds) {
            try {
                for (String service : run("service", "ls", "--filter", "label=" + DATABASE_LABEL + "=" + db,
                        "--format", "{{.Name}}")) {
                    run("service", "rm", service);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!run("ps", "-a", "--filter", "label=" + DATABASE_LABEL + "=" + db, "--format", "{{.ID}}")
                        .isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (AssertionError e) {
                System.out.println("cleanup: " + e.getMessage());
            }
        }
    }

    static void removeDatabaseServices(String... databaseIds) {
        removeDatabaseServices(List.of(databaseIds));
    }
}
