package io.controlplane.task;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

interface TaskLogEntryRepository extends JpaRepository<TaskLogEntry, String>, JpaSpecificationExecutor<TaskLogEntry> {
}
