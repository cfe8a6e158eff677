package io.controlplane.task;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface TaskRepository extends JpaRepository<Task, String>, JpaSpecificationExecutor<Task> {

    List<Task> findByStatusIn(List<TaskStatus> statuses);

    /** Rows of type, status and count. */
    @Query("SELECT t.type, t.status, count(t) FROM Task t GROUP BY t.type, t.status")
    List<Object[]> countByTypeAndStatus();
}
