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

    // replication: copies (database operations), the mesh (configure-replication), a new node
    // (add-replication-node), a node that leaves (remove-replication-node)
    public static final String COPY_NODE_ROLES = "copyNodeRoles";
    public static final String INSTALL_REPLICATION = "installReplication";
    public static final String CREATE_REPLICATION_SLOTS = "createReplicationSlots";
    public static final String CREATE_SUBSCRIPTIONS = "createSubscriptions";
    public static final String CREATE_SLOTS_FOR_NEW_NODE = "createSlotsForNewNode";
    public static final String COPY_NODE_DATA = "copyNodeData";
    public static final String FINISH_NODE_COPY = "finishNodeCopy";
    public static final String START_REPLICATION_FROM_PEERS = "startReplicationFromPeers";
    public static final String SUBSCRIBE_PEERS_TO_NODE = "subscribePeersToNode";
    public static final String DROP_NODE_SUBSCRIPTIONS = "dropNodeSubscriptions";
    public static final String REMOVE_NODE_FROM_PEER = "removeNodeFromPeer";

    // remove-host
    public static final String REMOVE_HOST_FROM_SPECS = "removeHostFromSpecs";
    public static final String CHECK_DATABASE_UPDATES = "checkDatabaseUpdates";
    public static final String REMOVE_ETCD_MEMBER = "removeEtcdMember";
    public static final String REMOVE_HOST_ETCD_USER = "removeHostEtcdUser";
    public static final String REMOVE_HOST_RECORD = "removeHostRecord";

    // HA operations (switchover, failover, restart, stop, start, rolling image change)
    public static final String CHOOSE_CANDIDATE = "chooseCandidate";
    public static final String SWITCH_OVER_TO_CANDIDATE = "switchOverToCandidate";
    public static final String CHECK_NODE_NEEDS_FAILOVER = "checkNodeNeedsFailover";
    public static final String FAIL_OVER_TO_CANDIDATE = "failOverToCandidate";
    public static final String WAIT_FOR_NODE_PRIMARY = "waitForNodePrimary";
    public static final String RESTART_POSTGRES = "restartPostgres";
    public static final String STOP_INSTANCE_SERVICE = "stopInstanceService";
    public static final String START_INSTANCE_SERVICE = "startInstanceService";
    public static final String WAIT_FOR_INSTANCE_RUNNING = "waitForInstanceRunning";
    public static final String ORDER_ROLLING_UPDATE = "orderRollingUpdate";

    // backups (P5): configure-instance, backup-node, restore-database
    public static final String WRITE_PGBACKREST_CONFIG = "writePgBackRestConfig";
    public static final String FIND_NODE_PRIMARY = "findNodePrimary";
    public static final String CREATE_PGBACKREST_STANZA = "createPgBackRestStanza";
    public static final String RUN_PGBACKREST_BACKUP = "runPgBackRestBackup";
    public static final String PLAN_RESTORE = "planRestore";
    public static final String CLEAR_PATRONI_STATE = "clearPatroniState";
    public static final String PREPARE_RESTORE_DIRECTORY = "prepareRestoreDirectory";
    public static final String PREPARE_RESTORED_DATABASE = "prepareRestoredDatabase";
    public static final String FINISH_RESTORE = "finishRestore";
    public static final String START_SCHEDULED_BACKUP = "startScheduledBackup";
    static final List<String> BACKUPS = List.of(WRITE_PGBACKREST_CONFIG, FIND_NODE_PRIMARY, CREATE_PGBACKREST_STANZA,
            RUN_PGBACKREST_BACKUP, PLAN_RESTORE, CLEAR_PATRONI_STATE, PREPARE_RESTORE_DIRECTORY,
            PREPARE_RESTORED_DATABASE, FINISH_RESTORE, START_SCHEDULED_BACKUP);

    // canceling an operation: the cleanup it models
    public static final String AWAIT_INTERRUPTED_STEPS = "awaitInterruptedSteps";
    public static final String PLAN_CANCEL_CLEANUP = "planCancelCleanup";

    // building blocks of operations that ops engineers compose
    public static final String READ_TOPOLOGY = "readTopology";
    public static final String RUN_SQL = "runSql";

    /** Every handler the product ships (each has a class in {@code delegates/} and a Modeler template). */
    public static final List<String> ALL = java.util.stream.Stream.of(java.util.stream.Stream.of(PLAN_DATABASE, CREATE_DATABASE_OBJECTS, MARK_DATABASE_AVAILABLE,
            DELETE_DATABASE_RECORDS, ALLOCATE_PORTS, CREATE_ETCD_CREDENTIALS, WRITE_PATRONI_CONFIG,
            CREATE_SWARM_SERVICE, UPDATE_SWARM_SERVICE, APPLY_PATRONI_CONFIG, WAIT_FOR_INSTANCE,
            REMOVE_SWARM_SERVICE, REMOVE_INSTANCE_DATA, REMOVE_HOST_FROM_SPECS, CHECK_DATABASE_UPDATES,
            REMOVE_ETCD_MEMBER, REMOVE_HOST_ETCD_USER, REMOVE_HOST_RECORD, COPY_NODE_ROLES, INSTALL_REPLICATION,
            CREATE_REPLICATION_SLOTS, CREATE_SUBSCRIPTIONS, CREATE_SLOTS_FOR_NEW_NODE, COPY_NODE_DATA, FINISH_NODE_COPY,
            START_REPLICATION_FROM_PEERS, SUBSCRIBE_PEERS_TO_NODE, DROP_NODE_SUBSCRIPTIONS, REMOVE_NODE_FROM_PEER,
            CHOOSE_CANDIDATE, SWITCH_OVER_TO_CANDIDATE, CHECK_NODE_NEEDS_FAILOVER, FAIL_OVER_TO_CANDIDATE,
            WAIT_FOR_NODE_PRIMARY, RESTART_POSTGRES, STOP_INSTANCE_SERVICE, START_INSTANCE_SERVICE,
            WAIT_FOR_INSTANCE_RUNNING, ORDER_ROLLING_UPDATE), BACKUPS.stream(),
            java.util.stream.Stream.of(AWAIT_INTERRUPTED_STEPS, PLAN_CANCEL_CLEANUP, READ_TOPOLOGY, RUN_SQL)).flatMap(names -> names).toList();

    private HandlerNames() {
    }
}
