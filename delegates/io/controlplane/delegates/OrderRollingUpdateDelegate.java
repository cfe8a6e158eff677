package io.controlplane.delegates;

import io.controlplane.database.operation.RollingUpdateOrder;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.ProcessVariables;
import io.controlplane.engine.StepContext;
import io.controlplane.engine.StepHandler;
import java.util.Map;
import org.springframework.stereotype.Component;

/** "Order the rolling update": replicas, then a switchover per node, then the old primaries. */
@Component
class OrderRollingUpdateDelegate implements StepHandler {

    private final RollingUpdateOrder rollingOrder;

    OrderRollingUpdateDelegate(RollingUpdateOrder rollingOrder) {
        this.rollingOrder = rollingOrder;
    }

    @Override
    public String name() {
        return HandlerNames.ORDER_ROLLING_UPDATE;
    }

    @Override
    public Map<String, Object> execute(StepContext context) {
        RollingUpdateOrder.Order order = rollingOrder.order(context.databaseId(),
                context.stringList(ProcessVariables.UPDATE_INSTANCES),
                concat(context, ProcessVariables.CREATE_PRIMARIES, ProcessVariables.CREATE_REPLICAS),
                context.stringList(ProcessVariables.REMOVE_INSTANCES));
        context.log("rolling update: " + order.summary(), Map.of("replicas", order.replicas(),
                "switchover_nodes", order.switchoverNodes(), "primaries", order.primaries()));
        return order.variables();
    }

    private static java.util.List<String> concat(StepContext context, String first, String second) {
        java.util.List<String> all = new java.util.ArrayList<>(context.stringList(first));
        all.addAll(context.stringList(second));
        return all;
    }
}
