package io.controlplane.patroni;

/**
 * Where Patroni keeps a node's cluster state in etcd (pgEdge-compatible): namespace {@code /patroni/},
 * scope {@code <database_id>:<node_name>}, so one node's keys are under {@code /patroni/<db>:<node>/}.
 * Every writer of patroni.yaml, etcd role and cleanup takes the keys from here.
 */
public final class PatroniKeys {

    /** Patroni's {@code namespace}. */
    public static final String NAMESPACE = "/patroni/";

    private PatroniKeys() {
    }

    /** Patroni's {@code scope} of a database node. */
    public static String scope(String databaseId, String nodeName) {
        return databaseId + ":" + nodeName;
    }

    /** Every key of one node, with the trailing slash so node {@code n1} does not cover {@code n10}. */
    public static String nodePrefix(String databaseId, String nodeName) {
        return NAMESPACE + scope(databaseId, nodeName) + "/";
    }

    /** The member key of one instance in its node's scope. */
    public static String memberKey(String databaseId, String nodeName, String instanceId) {
        return nodePrefix(databaseId, nodeName) + "members/" + instanceId;
    }

    /** Every key of every node of a database. */
    public static String databasePrefix(String databaseId) {
        return NAMESPACE + databaseId + ":";
    }
}
