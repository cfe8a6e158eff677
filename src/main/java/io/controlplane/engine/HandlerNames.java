package io.controlplane.engine;

import java.util.List;

/**
 * Names of the step handlers. A BPMN service task names its handler in its topic
 * ({@code <handler>@<host>}) and, by convention, in its element id; each handler class returns its
 * constant from {@link StepHandler#name()}.
 */
public final class HandlerNames {

    // database operations
    public static final String PLAN_DATABASE = "planDatabase";
    public static final String CREATE_DATABASE_OBJECTS = "createDatabaseObjects";
    public static final String MARK_DATABASE_AVAILABLE = "markDatabaseAvailable";
    public static final String DELETE_DATABASE_RECORDS = "deleteDatabaseRecords";

    // instance processes
    public static final String ALLOCATE_PORTS = "allocatePorts";
    public static final String CREATE_ETCD_CREDENTIALS = "createEtcdCredentials";
    public static final String WRITE_PATRONI_CONFIG = "writePatroniConfig";
    public static final String CREATE_SWARM_SERVICE = "createSwarmService";
    public static final String UPDATE_SWARM_SERVICE = "updateSwarmService";
    public static final String APPLY_PATRONI_CONFIG = "applyPatroniConfig";
    public static final String WAIT_FOR_INSTANCE = "waitForInstance";
    public static final String REMOVE_SWARM_SERVICE = "removeSwarmService";
    public static final String REMOVE_INSTANCE_DATA = "removeInstanceData";

    // remove-host
    public static final String REMOVE_HOST_FROM_SPECS = "removeHostFromSpecs";
    public static final String CHECK_DATABASE_UPDATES = "checkDatabaseUpdates";
    public static final String REMOVE_ETCD_MEMBER = "removeEtcdMember";
    public static final String REMOVE_HOST_ETCD_USER = "removeHostEtcdUser";
    public static final String REMOVE_HOST_RECORD = "removeHostRecord";

    // canceling an operation: the cleanup it models
    public static final String AWAIT_INTERRUPTED_STEPS = "awaitInterruptedSteps";
    public static final String PLAN_CANCEL_CLEANUP = "planCancelCleanup";

    // building blocks of operations that ops engineers compose
    public static final String READ_TOPOLOGY = "readTopology";
    public static final String RUN_SQL = "runSql";

    /** Every handler the product ships (each has a class in {@code delegates/} and a Modeler template). */
    public static final List<String> ALL = List.of(PLAN_DATABASE, CREATE_DATABASE_OBJECTS, MARK_DATABASE_AVAILABLE,
            DELETE_DATABASE_RECORDS, ALLOCATE_PORTS, CREATE_ETCD_CREDENTIALS, WRITE_PATRONI_CONFIG,
            CREATE_SWARM_SERVICE, UPDATE_SWARM_SERVICE, APPLY_PATRONI_CONFIG, WAIT_FOR_INSTANCE,
            REMOVE_SWARM_SERVICE, REMOVE_INSTANCE_DATA, REMOVE_HOST_FROM_SPECS, CHECK_DATABASE_UPDATES,
            REMOVE_ETCD_MEMBER, REMOVE_HOST_ETCD_USER, REMOVE_HOST_RECORD, AWAIT_INTERRUPTED_STEPS, PLAN_CANCEL_CLEANUP,
            READ_TOPOLOGY, RUN_SQL);

    private HandlerNames() {
    }
}
