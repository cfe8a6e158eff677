package io.controlplane.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeCopyPlanTest {

    @Test
    void createWithoutSourceNodesCopiesNothingAndEveryNodeIsInTheMesh() {
        NodeCopyPlan plan = NodeCopyPlan.of(List.of("n1", "n2"), Set.of("n1", "n2"), Map.of(), Map.of());

        assertThat(plan.copies()).isEmpty();
        assertThat(plan.replicated()).containsExactly("n1", "n2");
    }

    @Test
    void nodeAddedByAnUpdateCopiesItsSourceNode() {
        NodeCopyPlan plan = NodeCopyPlan.of(List.of("n1", "n2", "n3"), Set.of("n3"), Map.of(), Map.of("n3", "n2"));

        assertThat(plan.copies()).containsExactly(Map.entry("n3", "n2"));
        assertThat(plan.replicated()).containsExactly("n1", "n2");
    }

    @Test
    void nodeAddedWithoutSourceNodeCopiesTheFirstNodeThatHoldsData() {
        NodeCopyPlan plan = NodeCopyPlan.of(List.of("n1", "n2", "n3"), Set.of("n1", "n3"), Map.of(), Map.of());

        // n1 is bootstrapped again (it lost its data), so the first node that holds data is n2
        assertThat(plan.copies()).containsExactly(Map.entry("n1", "n2"), Map.entry("n3", "n2"));
        assertThat(plan.replicated()).containsExactly("n2");
    }

    @Test
    void copyThatNeverFinishedIsPlannedAgainFromItsRecordedSource() {
        NodeCopyPlan plan = NodeCopyPlan.of(List.of("n1", "n2", "n3"), Set.of(), Map.of("n3", "n2"), Map.of());

        assertThat(plan.copies()).containsExactly(Map.entry("n3", "n2"));
        assertThat(plan.replicated()).containsExactly("n1", "n2");
    }

    @Test
    void sourceThatIsItselfACopyIsNotUsed() {
        NodeCopyPlan plan = NodeCopyPlan.of(List.of("n1", "n2", "n3"), Set.of("n2", "n3"), Map.of(),
                Map.of("n2", "n1", "n3", "n2"));

        assertThat(plan.copies()).containsExactly(Map.entry("n2", "n1"), Map.entry("n3", "n1"));
    }

    @Test
    void createWithASourceNodeCopiesFromTheNodeCreatedEmpty() {
        NodeCopyPlan plan = NodeCopyPlan.of(List.of("n1", "n2"), Set.of("n1", "n2"), Map.of(), Map.of("n2", "n1"));

        assertThat(plan.copies()).containsExactly(Map.entry("n2", "n1"));
        assertThat(plan.replicated()).containsExactly("n1");
    }
}
