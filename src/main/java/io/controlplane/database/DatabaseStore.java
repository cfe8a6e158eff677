package io.controlplane.database;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.controlplane.cluster.ClusterService;
import io.controlplane.database.spec.DatabaseSpec;
import io.controlplane.database.spec.ParseResult;
import io.controlplane.database.spec.SpecJsonWriter;
import io.controlplane.database.spec.SpecParser;
import io.controlplane.etcd.EtcdConflictException;
import io.controlplane.etcd.store.EtcdStore;
import io.controlplane.etcd.store.VersionedValue;
import io.controlplane.resource.InstanceSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;

/**
 * Databases in etcd (reference §7.2): spec, record, instance specs and records, statuses, secrets,
 * the per-operation plan and script markers. Values are JSON with snake_case names.
 */
@Service
public class DatabaseStore {

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ClusterService cluster;
    private final SpecParser parser = new SpecParser();
    private final SpecJsonWriter writer = new SpecJsonWriter();

    public DatabaseStore(ClusterService cluster) {
        this.cluster = cluster;
    }

    static String specKey(String db) { return "/database_specs/" + db; }
    static String recordKey(String db) { return "/databases/" + db; }
    static String secretsKey(String db) { return "/database_secrets/" + db; }
    static String instanceSpecKey(String db, String iid) { return "/instance_specs/" + db + "/" + iid; }
    static String instanceKey(String db, String iid) { return "/instances/" + db + "/" + iid; }
    static String statusKey(String db, String iid) { return "/instance_statuses/" + db + "/" + iid; }
    static String instanceSecretKey(String db, String iid) { return "/instance_secrets/" + db + "/" + iid; }
    static String planKey(String db, String iid) { return "/plans/" + db + "/" + iid; }
    static String nodeOperationKey(String db, String node) { return "/node_operations/" + db + "/" + node; }
    static String scriptKey(String db, String script, String node) {
        return "/script_results/" + db + "/" + script + "/" + node;
    }

    private EtcdStore etcd() {
        return cluster.store();
    }

    // ---- database record and spec

    /** Stores a new database; false when one with that id exists already. */
    public boolean create(DatabaseRecord record, DatabaseSpec spec) {
        try {
            etcd().transaction().requireAbsent(recordKey(record.id()))
                    .put(recordKey(record.id()), write(record))
                    .put(specKey(record.id()), writer.write(spec).toString())
                    .commit();
            return true;
        } catch (EtcdConflictException e) {
            return false;
        }
    }

    public Optional<DatabaseRecord> record(String db) {
        return etcd().get(recordKey(db)).map(v -> read(v.value(), DatabaseRecord.class));
    }

    public Optional<DatabaseSpec> spec(String db) {
        return etcd().get(specKey(db)).map(v -> parseSpec(db, v.value()));
    }

    public List<DatabaseRecord> records() {
        return etcd().getPrefix("/databases/").values().stream()
                .map(v -> read(v.value(), DatabaseRecord.class)).toList();
    }

    /**
     * Moves a database to a new state if {@code allowed} accepts the current one, writing a new spec
     * with it when given; atomic against concurrent operations.
     *
     * @return the new record, or empty when the database does not exist
     * @throws StateConflictException when the current state is not accepted or a concurrent change won
     */
    public Optional<DatabaseRecord> transition(String db, java.util.function.Predicate<DatabaseState> allowed,
                                               DatabaseState newState, DatabaseSpec newSpecOrNull) {
        Optional<VersionedValue> current = etcd().get(recordKey(db));
        if (current.isEmpty()) {
            return Optional.empty();
        }
        DatabaseRecord record = read(current.get().value(), DatabaseRecord.class);
        if (!allowed.test(record.state())) {
            throw new StateConflictException(record.state(), false);
        }
        DatabaseRecord next = record.withState(newState, null, Instant.now());
        var tx = etcd().transaction().requireModRevision(recordKey(db), current.get().modRevision())
                .put(recordKey(db), write(next));
        if (newSpecOrNull != null) {
            tx.put(specKey(db), writer.write(newSpecOrNull).toString());
        }
        try {
            tx.commit();
        } catch (EtcdConflictException e) {
            throw new StateConflictException(record.state(), true);
        }
        return Optional.of(next);
    }

    /** Sets the state unconditionally (operations ending); does nothing when the database is gone. */
    public void setState(String db, DatabaseState state, String errorOrNull) {
        update(recordKey(db), DatabaseRecord.class, r -> r.withState(state, errorOrNull, Instant.now()));
    }

    /** Writes back a spec whose state stays as it is (e.g. to undo an update that could not start). */
    public void restore(DatabaseRecord record, DatabaseSpec spec) {
        etcd().transaction().put(recordKey(record.id()), write(record)).put(specKey(record.id()), writer.write(spec).toString())
                .commit();
    }

    public void deleteDatabase(String db) {
        EtcdStore etcd = etcd();
        etcd.transaction()
                .delete(recordKey(db)).delete(specKey(db)).delete(secretsKey(db))
                .deletePrefix("/instance_specs/" + db + "/").deletePrefix("/instances/" + db + "/")
                .deletePrefix("/instance_statuses/" + db + "/").deletePrefix("/instance_secrets/" + db + "/")
                .deletePrefix("/plans/" + db + "/").deletePrefix("/script_results/" + db + "/")
                .deletePrefix("/node_copies/" + db + "/")
                .deletePrefix("/node_operations/" + db + "/")
                .commit();
    }

    // ---- secrets

    /** The database's system passwords, generated and stored on first use. */
    public DatabaseSecrets secrets(String db) {
        Optional<VersionedValue> stored = etcd().get(secretsKey(db));
        if (stored.isPresent()) {
            return read(stored.get().value(), DatabaseSecrets.class);
        }
        DatabaseSecrets fresh = DatabaseSecrets.generate();
        try {
            etcd().create(secretsKey(db), write(fresh));
            return fresh;
        } catch (EtcdConflictException e) {
            return read(etcd().get(secretsKey(db)).orElseThrow().value(), DatabaseSecrets.class);
        }
    }

    /** The etcd password of an instance's Patroni, generated and stored on first use. */
    public String instanceEtcdPassword(String db, String iid) {
        String key = instanceSecretKey(db, iid);
        Optional<VersionedValue> stored = etcd().get(key);
        if (stored.isPresent()) {
            return readTree(stored.get().value()).path("etcd_password").asText();
        }
        String fresh = DatabaseSecrets.randomPassword();
        try {
            etcd().create(key, JSON.createObjectNode().put("etcd_password", fresh).toString());
            return fresh;
        } catch (EtcdConflictException e) {
            return readTree(etcd().get(key).orElseThrow().value()).path("etcd_password").asText();
        }
    }

    // ---- instances

    public Map<String, InstanceSpec> instanceSpecs(String db) {
        return byId(etcd().getPrefix("/instance_specs/" + db + "/"), InstanceSpec.class, InstanceSpec::instanceId);
    }

    public Optional<InstanceSpec> instanceSpec(String db, String iid) {
        return etcd().get(instanceSpecKey(db, iid)).map(v -> read(v.value(), InstanceSpec.class));
    }

    public void putInstanceSpec(InstanceSpec spec) {
        etcd().put(instanceSpecKey(spec.databaseId(), spec.instanceId()), write(spec));
    }

    public Map<String, InstanceRecord> instances(String db) {
        return byId(etcd().getPrefix("/instances/" + db + "/"), InstanceRecord.class, InstanceRecord::id);
    }

    public Optional<InstanceRecord> instance(String db, String iid) {
        return etcd().get(instanceKey(db, iid)).map(v -> read(v.value(), InstanceRecord.class));
    }

    public void putInstance(InstanceRecord record) {
        etcd().put(instanceKey(record.databaseId(), record.id()), write(record));
    }

    public void updateInstance(String db, String iid, UnaryOperator<InstanceRecord> change) {
        update(instanceKey(db, iid), InstanceRecord.class, change);
    }

    public Map<String, InstanceStatus> statuses(String db) {
        Map<String, InstanceStatus> result = new TreeMap<>();
        String prefix = "/instance_statuses/" + db + "/";
        etcd().getPrefix(prefix).forEach((k, v) -> result.put(k.substring(k.lastIndexOf('/') + 1),
                read(v.value(), InstanceStatus.class)));
        return result;
    }

    /**
     * Stores a monitor status only while the instance record exists and has not changed since it was
     * read, so a status written during a delete can never outlive the instance.
     */
    public void putStatus(String db, String iid, InstanceStatus status) {
        Optional<VersionedValue> instance = etcd().get(instanceKey(db, iid));
        if (instance.isEmpty()) {
            return;
        }
        try {
            etcd().transaction().requireModRevision(instanceKey(db, iid), instance.get().modRevision())
                    .put(statusKey(db, iid), write(status)).commit();
        } catch (EtcdConflictException e) {
            // the instance changed meanwhile; the next round writes a fresh status
        }
    }

    /** Forgets an instance: spec, record, status, secret and plan. */
    public void deleteInstance(String db, String iid) {
        etcd().transaction().delete(instanceSpecKey(db, iid)).delete(instanceKey(db, iid)).delete(statusKey(db, iid))
                .delete(instanceSecretKey(db, iid)).delete(planKey(db, iid)).commit();
    }

    /** All instance records of all databases, e.g. for a host's monitor. */
    public List<InstanceRecord> allInstances() {
        return etcd().getPrefix("/instances/").values().stream().map(v -> read(v.value(), InstanceRecord.class)).toList();
    }

    // ---- plans

    public void putPlanned(InstanceSpec spec) {
        etcd().put(planKey(spec.databaseId(), spec.instanceId()), write(spec));
    }

    public Optional<InstanceSpec> planned(String db, String iid) {
        return etcd().get(planKey(db, iid)).map(v -> read(v.value(), InstanceSpec.class));
    }

    /** Every planned instance spec of the database, in one read. */
    public Map<String, InstanceSpec> plannedSpecs(String db) {
        return byId(etcd().getPrefix("/plans/" + db + "/"), InstanceSpec.class, InstanceSpec::instanceId);
    }

    public void clearPlans(String db) {
        etcd().deletePrefix("/plans/" + db + "/");
    }

    // ---- HA operations holding a node

    public Optional<NodeOperation> nodeOperation(String db, String node) {
        return etcd().get(nodeOperationKey(db, node)).map(v -> read(v.value(), NodeOperation.class));
    }

    public Map<String, NodeOperation> nodeOperations(String db) {
        Map<String, NodeOperation> result = new TreeMap<>();
        String prefix = "/node_operations/" + db + "/";
        etcd().getPrefix(prefix).forEach((k, v) -> result.put(k.substring(prefix.length()),
                read(v.value(), NodeOperation.class)));
        return result;
    }

    /**
     * Claims the node for {@code operation}; atomic against a concurrent claim.
     *
     * @param stale whether an existing claim may be taken over (its operation has ended)
     * @return false when another operation holds the node
     */
    public boolean claimNode(String db, String node, NodeOperation operation,
                             java.util.function.Predicate<NodeOperation> stale) {
        String key = nodeOperationKey(db, node);
        Optional<VersionedValue> current = etcd().get(key);
        try {
            if (current.isEmpty()) {
                etcd().transaction().requireAbsent(key).put(key, write(operation)).commit();
                return true;
            }
            if (!stale.test(read(current.get().value(), NodeOperation.class))) {
                return false;
            }
            etcd().compareAndPut(key, write(operation), current.get().modRevision());
            return true;
        } catch (EtcdConflictException e) {
            return false;
        }
    }

    /** Releases the node if {@code taskId} holds it. */
    public void releaseNode(String db, String node, String taskId) {
        String key = nodeOperationKey(db, node);
        etcd().get(key).filter(v -> read(v.value(), NodeOperation.class).taskId().equals(taskId))
                .ifPresent(v -> {
                    try {
                        etcd().compareAndDelete(key, v.modRevision());
                    } catch (EtcdConflictException e) {
                        // another operation took the node over meanwhile: it is not ours to release
                    }
                });
    }

    // ---- scripts

    public boolean scriptDone(String db, String script, String node) {
        return etcd().get(scriptKey(db, script, node)).isPresent();
    }

    public void markScriptDone(String db, String script, String node) {
        etcd().put(scriptKey(db, script, node), JSON.createObjectNode().put("completed_at", Instant.now().toString()).toString());
    }

    // ---- node copies

    /**
     * {@code /node_copies/<db>/<node>}: the node gets its roles, schema and data from {@code source} and
     * is not part of the mesh until the copy has finished (then the key goes). A later plan finds nodes
     * whose copy never finished here and copies them again.
     */
    public void putNodeCopy(String db, String node, String source) {
        etcd().put(nodeCopyKey(db, node), JSON.createObjectNode().put("source_node", source)
                .put("started_at", Instant.now().toString()).toString());
    }

    /** Node → its source, for every copy that has not finished. */
    public Map<String, String> nodeCopies(String db) {
        Map<String, String> copies = new TreeMap<>();
        String prefix = "/node_copies/" + db + "/";
        etcd().getPrefix(prefix).forEach((k, v) -> copies.put(k.substring(prefix.length()),
                readTree(v.value()).path("source_node").asText()));
        return copies;
    }

    public Optional<String> nodeCopySource(String db, String node) {
        return etcd().get(nodeCopyKey(db, node)).map(v -> readTree(v.value()).path("source_node").asText());
    }

    public void deleteNodeCopy(String db, String node) {
        etcd().delete(nodeCopyKey(db, node));
    }

    static String nodeCopyKey(String db, String node) {
        return "/node_copies/" + db + "/" + node;
    }

    // ---- helpers

    private <T> void update(String key, Class<T> type, UnaryOperator<T> change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<VersionedValue> current = etcd().get(key);
            if (current.isEmpty()) {
                return;
            }
            try {
                etcd().compareAndPut(key, write(change.apply(read(current.get().value(), type))),
                        current.get().modRevision());
                return;
            } catch (EtcdConflictException e) {
                // a concurrent writer won; read again
            }
        }
        throw new EtcdConflictException("could not update " + key + ": too many concurrent changes");
    }

    private static <T> Map<String, T> byId(Map<String, VersionedValue> values, Class<T> type,
                                           java.util.function.Function<T, String> id) {
        Map<String, T> result = new TreeMap<>();
        values.values().forEach(v -> {
            T value = read(v.value(), type);
            result.put(id.apply(value), value);
        });
        return result;
    }

    private DatabaseSpec parseSpec(String db, String json) {
        ParseResult<DatabaseSpec> parsed = parser.parseSpec(readTree(json));
        return parsed.value().orElseThrow(() -> new IllegalStateException(
                "stored spec of database " + db + " does not parse: " + parsed.errors()));
    }

    static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored value is not JSON", e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored value is not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
