package io.controlplane.task;

import java.util.List;
import java.util.Optional;

/** Log entries oldest to newest, and the id a client polls with next. */
public record TaskLogPage(Task task, List<TaskLogEntry> entries, Optional<String> lastEntryId) {
}
