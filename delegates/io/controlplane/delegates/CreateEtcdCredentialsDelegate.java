package io.controlplane.delegates;

import io.controlplane.database.operation.InstanceLifecycle;
import io.controlplane.engine.HandlerNames;
import io.controlplane.engine.StepContext;
import org.springframework.stereotype.Component;

/** "Create etcd credentials": the instance's etcd user, limited to its node's Patroni prefix. */
@Component
class CreateEtcdCredentialsDelegate extends InstanceStep {

    private final InstanceLifecycle instances;

    CreateEtcdCredentialsDelegate(InstanceLifecycle instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return HandlerNames.CREATE_ETCD_CREDENTIALS;
    }

    @Override
    String run(StepContext context, String databaseId, String instanceId) {
        instances.createEtcdCredentials(databaseId, instanceId);
        return "etcd user instance-" + instanceId + " may use only its node's Patroni keys";
    }
}
