package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * Turns a request body into spec records. It checks only JSON shape (types, required fields,
 * unknown fields) and never throws for any input; value rules are {@link SpecValidator}'s job.
 *
 * <p>Unknown fields at the top of a request are ignored, as pgEdge ignores them (a client may send its
 * create body, {@code id} included, to update). Inside {@code spec} an unknown field is refused with its
 * path: a misspelt field there would silently leave the database different from what the user asked for.
 * Every field pgEdge's OpenAPI document defines is known here.
 *
 * <p>{@code services} is the one field refused here: we do not model supporting services yet, so a
 * non-empty list is an {@link FieldError.Kind#OPERATION_NOT_SUPPORTED} error.
 */
public final class SpecParser {

    static final String SERVICES_NOT_SUPPORTED = "services are not supported yet";

    private static final Set<String> SPEC_FIELDS = Set.of("database_name", "postgres_version", "spock_version",
            "port", "patroni_port", "cpus", "memory", "nodes", "database_users", "services", "backup_config",
            "restore_config", "postgresql_conf", "pg_hba_conf", "pg_ident_conf", "orchestrator_opts", "scripts");
    private static final Set<String> NODE_FIELDS = Set.of("name", "host_ids", "postgres_version", "port",
            "patroni_port", "cpus", "memory", "postgresql_conf", "pg_hba_conf", "pg_ident_conf", "backup_config",
            "restore_config", "orchestrator_opts", "source_node");
    private static final Set<String> USER_FIELDS = Set.of("username", "password", "db_owner", "attributes", "roles");
    private static final Set<String> BACKUP_CONFIG_FIELDS = Set.of("repositories", "schedules");
    private static final Set<String> SCHEDULE_FIELDS = Set.of("id", "type", "cron_expression");
    private static final Set<String> RESTORE_REPO_FIELDS = Set.of("id", "type", "s3_bucket", "s3_region",
            "s3_endpoint", "s3_key", "s3_key_secret", "gcs_bucket", "gcs_endpoint", "gcs_key", "azure_account",
            "azure_container", "azure_endpoint", "azure_key", "base_path", "custom_options");
    private static final Set<String> BACKUP_REPO_FIELDS = union(RESTORE_REPO_FIELDS,
            Set.of("retention_full", "retention_full_type"));
    private static final Set<String> RESTORE_CONFIG_FIELDS = Set.of("source_database_id", "source_node_name",
            "source_database_name", "repository", "restore_options");
    private static final Set<String> ORCHESTRATOR_FIELDS = Set.of("swarm");
    private static final Set<String> SWARM_FIELDS = Set.of("extra_volumes", "extra_networks", "extra_labels", "image");
    private static final Set<String> VOLUME_FIELDS = Set.of("host_path", "destination_path");
    private static final Set<String> NETWORK_FIELDS = Set.of("id", "aliases", "driver_opts");
    private static final Set<String> SCRIPTS_FIELDS = Set.of("post_init", "post_database_create");

    public ParseResult<CreateDatabaseRequest> parseCreate(JsonNode body) {
        JsonFields f = new JsonFields();
        CreateDatabaseRequest request = null;
        if (f.object(body, FieldPath.ROOT)) {
            String id = f.string(body, "id", FieldPath.ROOT);
            String tenant = f.string(body, "tenant_id", FieldPath.ROOT);
            DatabaseSpec spec = f.requiredNested(body, "spec", FieldPath.ROOT, (n, p) -> spec(f, n, p));
            request = spec == null ? null : new CreateDatabaseRequest(id, tenant, spec);
        }
        return new ParseResult<>(request, f.errors());
    }

    public ParseResult<UpdateDatabaseRequest> parseUpdate(JsonNode body) {
        JsonFields f = new JsonFields();
        UpdateDatabaseRequest request = null;
        if (f.object(body, FieldPath.ROOT)) {
            String tenant = f.string(body, "tenant_id", FieldPath.ROOT);
            DatabaseSpec spec = f.requiredNested(body, "spec", FieldPath.ROOT, (n, p) -> spec(f, n, p));
            request = spec == null ? null : new UpdateDatabaseRequest(tenant, spec);
        }
        return new ParseResult<>(request, f.errors());
    }

    /** Parses a bare spec, e.g. one read back from storage; paths are rooted at the spec. */
    public ParseResult<DatabaseSpec> parseSpec(JsonNode spec) {
        JsonFields f = new JsonFields();
        DatabaseSpec value = spec(f, spec, FieldPath.ROOT);
        return new ParseResult<>(value, f.errors());
    }

    private static DatabaseSpec spec(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, SPEC_FIELDS)) {
            return null;
        }
        services(f, n, p);
        return new DatabaseSpec(
                f.requiredString(n, "database_name", p),
                f.string(n, "postgres_version", p),
                f.string(n, "spock_version", p),
                f.port(n, "port", p),
                f.port(n, "patroni_port", p),
                f.string(n, "cpus", p),
                f.string(n, "memory", p),
                f.requiredObjectList(n, "nodes", p, (e, ep) -> node(f, e, ep)),
                f.objectList(n, "database_users", p, (e, ep) -> user(f, e, ep)),
                f.nested(n, "backup_config", p, (e, ep) -> backupConfig(f, e, ep)),
                f.nested(n, "restore_config", p, (e, ep) -> restoreConfig(f, e, ep)),
                f.confMap(n, "postgresql_conf", p),
                f.stringList(n, "pg_hba_conf", p),
                f.stringList(n, "pg_ident_conf", p),
                f.nested(n, "orchestrator_opts", p, (e, ep) -> orchestratorOpts(f, e, ep)),
                f.nested(n, "scripts", p, (e, ep) -> scripts(f, e, ep)));
    }

    private static void services(JsonFields f, JsonNode n, FieldPath p) {
        JsonNode services = JsonFields.present(n, "services");
        if (services == null) {
            return;
        }
        if (!services.isArray()) {
            f.error(p.field("services"), JsonFields.NOT_OBJECT_ARRAY);
        } else if (!services.isEmpty()) {
            f.add(FieldError.notSupported(p.field("services"), SERVICES_NOT_SUPPORTED));
        }
    }

    private static DatabaseNodeSpec node(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, NODE_FIELDS)) {
            return null;
        }
        return new DatabaseNodeSpec(
                f.requiredString(n, "name", p),
                f.requiredStringList(n, "host_ids", p),
                f.string(n, "postgres_version", p),
                f.port(n, "port", p),
                f.port(n, "patroni_port", p),
                f.string(n, "cpus", p),
                f.string(n, "memory", p),
                f.confMap(n, "postgresql_conf", p),
                f.stringList(n, "pg_hba_conf", p),
                f.stringList(n, "pg_ident_conf", p),
                f.nested(n, "backup_config", p, (e, ep) -> backupConfig(f, e, ep)),
                f.nested(n, "restore_config", p, (e, ep) -> restoreConfig(f, e, ep)),
                f.nested(n, "orchestrator_opts", p, (e, ep) -> orchestratorOpts(f, e, ep)),
                f.string(n, "source_node", p));
    }

    private static DatabaseUserSpec user(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, USER_FIELDS)) {
            return null;
        }
        return new DatabaseUserSpec(
                f.requiredString(n, "username", p),
                f.string(n, "password", p),
                f.bool(n, "db_owner", p),
                f.stringList(n, "attributes", p),
                f.stringList(n, "roles", p));
    }

    private static BackupConfigSpec backupConfig(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, BACKUP_CONFIG_FIELDS)) {
            return null;
        }
        return new BackupConfigSpec(
                f.requiredObjectList(n, "repositories", p, (e, ep) -> backupRepository(f, e, ep)),
                f.objectList(n, "schedules", p, (e, ep) -> schedule(f, e, ep)));
    }

    private static BackupScheduleSpec schedule(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, SCHEDULE_FIELDS)) {
            return null;
        }
        return new BackupScheduleSpec(
                f.requiredString(n, "id", p),
                f.requiredString(n, "type", p),
                f.requiredString(n, "cron_expression", p));
    }

    private static BackupRepositorySpec backupRepository(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, BACKUP_REPO_FIELDS)) {
            return null;
        }
        RepositoryLocation location = location(f, n, p);
        Integer retention = f.integer(n, "retention_full", p);
        String retentionType = f.string(n, "retention_full_type", p);
        return location == null ? null : new BackupRepositorySpec(location, retention, retentionType);
    }

    private static RestoreRepositorySpec restoreRepository(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, RESTORE_REPO_FIELDS)) {
            return null;
        }
        RepositoryLocation location = location(f, n, p);
        return location == null ? null : new RestoreRepositorySpec(location);
    }

    /** The fields backup and restore repositories share; null (with an error) without a type. */
    private static RepositoryLocation location(JsonFields f, JsonNode n, FieldPath p) {
        String type = f.requiredString(n, "type", p);
        RepositoryLocation location = new RepositoryLocation(
                f.string(n, "id", p),
                type == null ? "" : type,
                f.string(n, "s3_bucket", p),
                f.string(n, "s3_region", p),
                f.string(n, "s3_endpoint", p),
                f.string(n, "s3_key", p),
                f.string(n, "s3_key_secret", p),
                f.string(n, "gcs_bucket", p),
                f.string(n, "gcs_endpoint", p),
                f.string(n, "gcs_key", p),
                f.string(n, "azure_account", p),
                f.string(n, "azure_container", p),
                f.string(n, "azure_endpoint", p),
                f.string(n, "azure_key", p),
                f.string(n, "base_path", p),
                f.stringMap(n, "custom_options", p));
        return type == null ? null : location;
    }

    static RestoreConfigSpec restoreConfig(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, RESTORE_CONFIG_FIELDS)) {
            return null;
        }
        String dbId = f.requiredString(n, "source_database_id", p);
        String nodeName = f.requiredString(n, "source_node_name", p);
        String dbName = f.requiredString(n, "source_database_name", p);
        RestoreRepositorySpec repo = f.requiredNested(n, "repository", p, (e, ep) -> restoreRepository(f, e, ep));
        var options = f.stringMap(n, "restore_options", p);
        return repo == null ? null : new RestoreConfigSpec(dbId, nodeName, dbName, repo, options);
    }

    private static OrchestratorOpts orchestratorOpts(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, ORCHESTRATOR_FIELDS)) {
            return null;
        }
        return new OrchestratorOpts(f.nested(n, "swarm", p, (e, ep) -> swarm(f, e, ep)));
    }

    private static SwarmOpts swarm(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, SWARM_FIELDS)) {
            return null;
        }
        return new SwarmOpts(
                f.objectList(n, "extra_volumes", p, (e, ep) -> volume(f, e, ep)),
                f.objectList(n, "extra_networks", p, (e, ep) -> network(f, e, ep)),
                f.stringMap(n, "extra_labels", p),
                f.string(n, "image", p));
    }

    private static ExtraVolume volume(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, VOLUME_FIELDS)) {
            return null;
        }
        return new ExtraVolume(f.requiredString(n, "host_path", p), f.requiredString(n, "destination_path", p));
    }

    private static ExtraNetwork network(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, NETWORK_FIELDS)) {
            return null;
        }
        return new ExtraNetwork(f.requiredString(n, "id", p), f.stringList(n, "aliases", p),
                f.stringMap(n, "driver_opts", p));
    }

    private static DatabaseScripts scripts(JsonFields f, JsonNode n, FieldPath p) {
        if (!f.object(n, p, SCRIPTS_FIELDS)) {
            return null;
        }
        return new DatabaseScripts(f.stringList(n, "post_init", p), f.stringList(n, "post_database_create", p));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
