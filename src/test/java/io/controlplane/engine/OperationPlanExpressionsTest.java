package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperationPlanExpressionsTest {

    private final OperationPlanExpressions plan = new OperationPlanExpressions();

    @Test
    void idsSplitsACommaSeparatedList() {
        assertThat(plan.ids("db-n1-a,db-n2-b")).containsExactly("db-n1-a", "db-n2-b");
    }

    @Test
    void idsOfAnEmptyOrMissingListIsEmptySoTheActivityIsSkipped() {
        assertThat(plan.ids("")).isEmpty();
        assertThat(plan.ids("  ")).isEmpty();
        assertThat(plan.ids(null)).isEmpty();
    }

    @Test
    void idsIgnoresBlanksAndSpacesAnOperatorMayTypeInCockpit() {
        assertThat(plan.ids(" a , ,b,")).containsExactly("a", "b");
    }

    @Test
    void hostLooksUpTheKeyInPairs() {
        assertThat(plan.host("db-n1-a=host-1,db-n1-b=host-2", "db-n1-b")).isEqualTo("host-2");
    }

    @Test
    void hostMatchesWholeKeysOnly() {
        assertThat(plan.host("n10=host-10,n1=host-1", "n1")).isEqualTo("host-1");
    }

    @Test
    void missingHostIsAnErrorNamingKeyAndPairs() {
        assertThatThrownBy(() -> plan.host("n1=host-1", "n2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no host for 'n2' in 'n1=host-1'");
        assertThatThrownBy(() -> plan.host("", "n2")).isInstanceOf(IllegalArgumentException.class);
    }
}
