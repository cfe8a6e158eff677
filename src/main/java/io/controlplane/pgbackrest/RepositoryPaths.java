package io.controlplane.pgbackrest;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a node's backups live inside a repository: {@code /<base_path>/databases/<db>/<repo_id>/<node>}
 * (reference §6.4), empty parts skipped, so two databases or nodes never share a stanza.
 */
public final class RepositoryPaths {

    private RepositoryPaths() {
    }

    public static String path(String basePathOrEmpty, String databaseId, String repositoryIdOrEmpty, String nodeName) {
        List<String> parts = new ArrayList<>();
        for (String p : (basePathOrEmpty == null ? "" : basePathOrEmpty).split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        parts.add("databases");
        parts.add(databaseId);
        if (repositoryIdOrEmpty != null && !repositoryIdOrEmpty.isEmpty()) {
            parts.add(repositoryIdOrEmpty);
        }
        parts.add(nodeName);
        return "/" + String.join("/", parts);
    }
}
