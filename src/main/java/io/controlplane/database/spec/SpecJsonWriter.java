package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Writes spec records back to JSON with the API's snake_case names, e.g. to persist a spec. Absent
 * optional values, false booleans and empty lists or maps are left out, so parse(write(spec))
 * equals spec.
 */
public final class SpecJsonWriter {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    public ObjectNode write(DatabaseSpec s) {
        ObjectNode o = JSON.objectNode();
        o.put("database_name", s.databaseName());
        put(o, "postgres_version", s.postgresVersionOrNull());
        put(o, "spock_version", s.spockVersionOrNull());
        put(o, "port", s.portOrNull());
        put(o, "patroni_port", s.patroniPortOrNull());
        put(o, "cpus", s.cpusOrNull());
        put(o, "memory", s.memoryOrNull());
        ArrayNode nodes = o.putArray("nodes");
        s.nodes().forEach(n -> nodes.add(node(n)));
        if (!s.databaseUsers().isEmpty()) {
            ArrayNode users = o.putArray("database_users");
            s.databaseUsers().forEach(u -> users.add(user(u)));
        }
        if (s.backupConfigOrNull() != null) {
            o.set("backup_config", backupConfig(s.backupConfigOrNull()));
        }
        if (s.restoreConfigOrNull() != null) {
            o.set("restore_config", restoreConfig(s.restoreConfigOrNull()));
        }
        conf(o, s.postgresqlConf());
        strings(o, "pg_hba_conf", s.pgHbaConf());
        strings(o, "pg_ident_conf", s.pgIdentConf());
        if (s.orchestratorOptsOrNull() != null) {
            o.set("orchestrator_opts", orchestratorOpts(s.orchestratorOptsOrNull()));
        }
        if (s.scriptsOrNull() != null) {
            ObjectNode scripts = o.putObject("scripts");
            strings(scripts, "post_init", s.scriptsOrNull().postInit());
            strings(scripts, "post_database_create", s.scriptsOrNull().postDatabaseCreate());
        }
        return o;
    }

    public ObjectNode write(CreateDatabaseRequest r) {
        ObjectNode o = JSON.objectNode();
        put(o, "id", r.idOrNull());
        put(o, "tenant_id", r.tenantIdOrNull());
        o.set("spec", write(r.spec()));
        return o;
    }

    public ObjectNode write(UpdateDatabaseRequest r) {
        ObjectNode o = JSON.objectNode();
        put(o, "tenant_id", r.tenantIdOrNull());
        o.set("spec", write(r.spec()));
        return o;
    }

    private static ObjectNode node(DatabaseNodeSpec n) {
        ObjectNode o = JSON.objectNode();
        o.put("name", n.name());
        ArrayNode hosts = o.putArray("host_ids");
        n.hostIds().forEach(hosts::add);
        put(o, "postgres_version", n.postgresVersionOrNull());
        put(o, "port", n.portOrNull());
        put(o, "patroni_port", n.patroniPortOrNull());
        put(o, "cpus", n.cpusOrNull());
        put(o, "memory", n.memoryOrNull());
        conf(o, n.postgresqlConf());
        strings(o, "pg_hba_conf", n.pgHbaConf());
        strings(o, "pg_ident_conf", n.pgIdentConf());
        if (n.backupConfigOrNull() != null) {
            o.set("backup_config", backupConfig(n.backupConfigOrNull()));
        }
        if (n.restoreConfigOrNull() != null) {
            o.set("restore_config", restoreConfig(n.restoreConfigOrNull()));
        }
        if (n.orchestratorOptsOrNull() != null) {
            o.set("orchestrator_opts", orchestratorOpts(n.orchestratorOptsOrNull()));
        }
        put(o, "source_node", n.sourceNodeOrNull());
        return o;
    }

    private static ObjectNode user(DatabaseUserSpec u) {
        ObjectNode o = JSON.objectNode();
        o.put("username", u.username());
        put(o, "password", u.passwordOrNull());
        if (u.dbOwner()) {
            o.put("db_owner", true);
        }
        strings(o, "attributes", u.attributes());
        strings(o, "roles", u.roles());
        return o;
    }

    private static ObjectNode backupConfig(BackupConfigSpec c) {
        ObjectNode o = JSON.objectNode();
        ArrayNode repos = o.putArray("repositories");
        for (BackupRepositorySpec r : c.repositories()) {
            ObjectNode repo = repository(r);
            put(repo, "retention_full", r.retentionFullOrNull());
            put(repo, "retention_full_type", r.retentionFullTypeOrNull());
            repos.add(repo);
        }
        if (!c.schedules().isEmpty()) {
            ArrayNode schedules = o.putArray("schedules");
            for (BackupScheduleSpec s : c.schedules()) {
                schedules.addObject().put("id", s.id()).put("type", s.type()).put("cron_expression", s.cronExpression());
            }
        }
        return o;
    }

    static ObjectNode restoreConfig(RestoreConfigSpec c) {
        ObjectNode o = JSON.objectNode();
        o.put("source_database_id", c.sourceDatabaseId());
        o.put("source_node_name", c.sourceNodeName());
        o.put("source_database_name", c.sourceDatabaseName());
        o.set("repository", repository(c.repository()));
        stringMap(o, "restore_options", c.restoreOptions());
        return o;
    }

    private static ObjectNode repository(RepositorySpec r) {
        ObjectNode o = JSON.objectNode();
        put(o, "id", r.id().orElse(null));
        o.put("type", r.type());
        put(o, "s3_bucket", r.s3Bucket().orElse(null));
        put(o, "s3_region", r.s3Region().orElse(null));
        put(o, "s3_endpoint", r.s3Endpoint().orElse(null));
        put(o, "s3_key", r.s3Key().orElse(null));
        put(o, "s3_key_secret", r.s3KeySecret().orElse(null));
        put(o, "gcs_bucket", r.gcsBucket().orElse(null));
        put(o, "gcs_endpoint", r.gcsEndpoint().orElse(null));
        put(o, "gcs_key", r.gcsKey().orElse(null));
        put(o, "azure_account", r.azureAccount().orElse(null));
        put(o, "azure_container", r.azureContainer().orElse(null));
        put(o, "azure_endpoint", r.azureEndpoint().orElse(null));
        put(o, "azure_key", r.azureKey().orElse(null));
        put(o, "base_path", r.basePath().orElse(null));
        stringMap(o, "custom_options", r.customOptions());
        return o;
    }

    private static ObjectNode orchestratorOpts(OrchestratorOpts opts) {
        ObjectNode o = JSON.objectNode();
        SwarmOpts s = opts.swarmOrNull();
        if (s != null) {
            ObjectNode swarm = o.putObject("swarm");
            if (!s.extraVolumes().isEmpty()) {
                ArrayNode volumes = swarm.putArray("extra_volumes");
                s.extraVolumes().forEach(v -> volumes.addObject()
                        .put("host_path", v.hostPath()).put("destination_path", v.destinationPath()));
            }
            if (!s.extraNetworks().isEmpty()) {
                ArrayNode networks = swarm.putArray("extra_networks");
                for (ExtraNetwork n : s.extraNetworks()) {
                    ObjectNode net = networks.addObject().put("id", n.id());
                    strings(net, "aliases", n.aliases());
                    stringMap(net, "driver_opts", n.driverOpts());
                }
            }
            stringMap(swarm, "extra_labels", s.extraLabels());
            put(swarm, "image", s.imageOrNull());
        }
        return o;
    }

    private static void conf(ObjectNode o, Map<String, ConfValue> conf) {
        if (conf.isEmpty()) {
            return;
        }
        ObjectNode c = o.putObject("postgresql_conf");
        conf.forEach((k, v) -> {
            if (v instanceof ConfValue.Text t) {
                c.put(k, t.value());
            } else if (v instanceof ConfValue.Number n) {
                c.put(k, n.value());
            } else if (v instanceof ConfValue.Bool b) {
                c.put(k, b.value());
            } else if (v instanceof ConfValue.Items items) {
                ArrayNode array = c.putArray(k);
                items.values().forEach(array::add);
            }
        });
    }

    private static void put(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static void put(ObjectNode o, String name, Integer value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static void strings(ObjectNode o, String name, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray(name);
            values.forEach(a::add);
        }
    }

    private static void stringMap(ObjectNode o, String name, Map<String, String> values) {
        if (!values.isEmpty()) {
            ObjectNode m = o.putObject(name);
            values.forEach(m::put);
        }
    }
}
