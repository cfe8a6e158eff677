package io.controlplane.patroni;

/**
 * Where an instance's files appear inside its container. On the host they live under
 * {@code <data_dir>/instances/<instance_id>/{configs,certificates,data}}.
 */
public final class ContainerPaths {

    /** Read-only: {@code patroni.yaml}. */
    public static final String CONFIGS = "/opt/controlplane/configs";
    /** Read-only: etcd client and Postgres server certificates. */
    public static final String CERTIFICATES = "/opt/controlplane/certificates";
    /** Read-write; Patroni creates PGDATA below it, never the mount point itself. */
    public static final String DATA = "/opt/controlplane/data";
    public static final String PGDATA = DATA + "/pgdata";
    public static final String PATRONI_CONFIG = CONFIGS + "/patroni.yaml";
    /**
     * The superuser's password for replication connections to the other nodes (libpq {@code passfile}),
     * so that connection strings in the replication catalogs hold no password.
     */
    public static final String REPLICATION_PASSFILE = CONFIGS + "/replication.pgpass";

    private ContainerPaths() {
    }

    public static String binDir(String postgresMajor) {
        return "/usr/lib/postgresql/" + postgresMajor + "/bin";
    }
}
