package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.database.spec.validation.SpecValidator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpecBehaviourTest {

    private final SpecParser parser = new SpecParser();
    private final SpecValidator validator = new SpecValidator();
    private final SpecJsonWriter writer = new SpecJsonWriter();

    @Test
    void acceptsEveryValueOfTheFullValidSpec() {
        CreateDatabaseRequest request = Fixtures.parseCreate(Fixtures.resource("valid-full-spec.json"));

        assertThat(validator.validate(request.spec())).isEmpty();
    }

    @Test
    void refusesTheFieldsNothingActsOnYetAsNotSupported() {
        List<FieldError> errors = Fixtures.createErrors(Fixtures.resource("valid-full-spec.json"));

        assertThat(errors).extracting(FieldError::message).containsExactly(
                "backup_config.repositories[1]: gcs repositories are not supported yet: use posix, cifs or s3 (any"
                        + " S3-compatible endpoint)",
                "backup_config.repositories[2]: azure repositories are not supported yet: use posix, cifs or s3 (any"
                        + " S3-compatible endpoint)");
        assertThat(errors).extracting(FieldError::kind).containsOnly(FieldError.Kind.OPERATION_NOT_SUPPORTED);
    }

    @Test
    void checksRestoreConfigAndAnEmptySourceNodeIsNone() {
        JsonNode body = Fixtures.json("""
                {"spec": {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"], "source_node": ""}],
                  "restore_config": {"source_database_id": "old", "source_node_name": "n1",
                    "source_database_name": "db", "repository": {"type": "posix", "base_path": "relative"}}}}""");

        assertThat(Fixtures.createErrors(body)).extracting(FieldError::message).containsExactly(
                "restore_config.repository.base_path: base_path must be absolute for posix repositories");
    }

    @Test
    void ignoresUnknownTopLevelFieldsOfCreateAndUpdate() {
        JsonNode createBody = Fixtures.json("""
                {"id": "db1", "color": "red", "spec": {"database_name": "db",
                  "nodes": [{"name": "n1", "host_ids": ["h1"]}]}}""");

        assertThat(parser.parseCreate(createBody).errors()).isEmpty();
        ParseResult<UpdateDatabaseRequest> update = parser.parseUpdate(createBody);
        assertThat(update.errors()).isEmpty();
        assertThat(update.value()).get().extracting(u -> u.spec().databaseName()).isEqualTo("db");
    }

    @Test
    void acceptsAPgEdgeSpecThatPreloadsSpockAsAStringOrAnArray() {
        for (String libraries : List.of("\"pg_stat_statements,spock\"", "[\"pg_stat_statements\", \"spock\"]")) {
            JsonNode body = Fixtures.json("""
                    {"spec": {"database_name": "db", "spock_version": "5",
                      "nodes": [{"name": "n1", "host_ids": ["h1"]}],
                      "postgresql_conf": {"shared_preload_libraries": %s}}}""".formatted(libraries));

            assertThat(Fixtures.createErrors(body)).as(libraries).isEmpty();
        }
    }

    @Test
    void preloadLibrariesAsAnArrayRoundTripAndBecomeOneSetting() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"]}],
                 "postgresql_conf": {"shared_preload_libraries": ["pg_stat_statements", "spock"]}}""");

        assertThat(spec.postgresqlConf().get("shared_preload_libraries").asSetting())
                .isEqualTo("pg_stat_statements,spock");
        assertThat(Fixtures.spec(writer.write(spec).toString())).isEqualTo(spec);
    }

    @Test
    void refusesANonStringInAConfArrayAtItsIndex() {
        JsonNode body = Fixtures.json("""
                {"spec": {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"]}],
                  "postgresql_conf": {"shared_preload_libraries": ["spock", 5]}}}""");

        assertThat(Fixtures.createErrors(body)).extracting(FieldError::message)
                .containsExactly("spec.postgresql_conf[shared_preload_libraries][1]: must be a string");
    }

    @Test
    void roundTripsFullSpecThroughJson() {
        JsonNode body = Fixtures.resource("valid-full-spec.json");
        CreateDatabaseRequest request = Fixtures.parseCreate(body);

        ObjectNode written = writer.write(request);

        assertThat(Fixtures.parseCreate(written)).isEqualTo(request);
        assertThat(Fixtures.json(written.toString())).isEqualTo(Fixtures.json(body.toString()));
    }

    @Test
    void reportsManySimultaneousErrors() {
        JsonNode body = Fixtures.json("""
                {"id": "Bad", "spec": {
                  "database_name": "",
                  "cpus": "lots",
                  "port": 5432,
                  "nodes": [
                    {"name": "x1", "host_ids": ["h-1", "h-1"]},
                    {"name": "x1", "host_ids": ["h-1"], "source_node": "x1"}
                  ],
                  "database_users": [{"username": "a", "db_owner": true}, {"username": "a", "db_owner": true}],
                  "postgresql_conf": {"ident_file": "/x"},
                  "backup_config": {"repositories": [{"type": "posix"}]}
                }}""");

        List<String> messages = Fixtures.createErrors(body).stream().map(FieldError::message).toList();

        assertThat(messages).contains(
                "id: " + io.controlplane.common.Identifiers.INVALID_MESSAGE,
                "database_name: must be between 1 and 31 characters long",
                "nodes[0].name: must match n[0-9]+, e.g. n1",
                "nodes[0].host_ids[1]: host IDs must be unique within a node",
                "nodes[1]: node names must be unique within a database",
                "nodes[1].port: duplicate ports allocated on host 'h-1'",
                "nodes[1].source_node: a node cannot use itself as a source node",
                "database_users[1].username: usernames must be unique within a database",
                "database_users[1].db_owner: only one user can be the database owner",
                "postgresql_conf[ident_file]: ident_file is managed by the control plane and cannot be set",
                "backup_config.repositories[0].base_path: base_path is required for posix repositories");
        assertThat(messages).anyMatch(m -> m.startsWith("cpus: failed to parse CPUs"));
    }

    @Test
    void reportsEveryShapeErrorAtOnce() {
        JsonNode body = Fixtures.json("""
                {"spec": {"port": "x", "nodes": [{"name": 1, "host_ids": [true]}], "extra": 1}, "other": 2}""");

        ParseResult<CreateDatabaseRequest> result = parser.parseCreate(body);

        assertThat(result.value()).isEmpty();
        assertThat(result.errors()).extracting(FieldError::message).containsExactlyInAnyOrder(
                "spec.extra: unknown field",
                "spec.database_name: is required",
                "spec.port: must be an integer between 0 and 65535",
                "spec.nodes[0].name: must be a string",
                "spec.nodes[0].host_ids[0]: must be a string");
    }

    @Test
    void rejectsBodyThatIsNotAnObject() {
        assertThat(parser.parseCreate(Fixtures.json("[1, 2]")).errors())
                .extracting(FieldError::message).containsExactly("must be an object");
    }

    @Test
    void reportsServicesAsOperationNotSupported() {
        JsonNode body = Fixtures.json("""
                {"spec": {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"]}],
                          "services": [{"service_id": "mcp"}]}}""");

        List<FieldError> errors = Fixtures.createErrors(body);

        assertThat(errors).singleElement().extracting(FieldError::kind)
                .isEqualTo(FieldError.Kind.OPERATION_NOT_SUPPORTED);
        assertThat(FieldError.anyNotSupported(errors)).isTrue();
    }

    @Test
    void acceptsEmptyServicesList() {
        JsonNode body = Fixtures.json("""
                {"spec": {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"]}], "services": []}}""");

        assertThat(Fixtures.createErrors(body)).isEmpty();
    }

    @Test
    void acceptsPatroniPortWithTheSameSemanticsAsPort() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "patroni_port": 8888,
                 "nodes": [{"name": "n1", "host_ids": ["h1"], "port": 5432},
                           {"name": "n2", "host_ids": ["h1"], "port": 5433, "patroni_port": 8889}]}""");

        assertThat(validator.validate(spec)).isEmpty();
        assertThat(spec.effectivePatroniPort(spec.nodes().get(0))).contains(8888);
    }

    @Test
    void rejectsDuplicatePatroniPortsOnSameHost() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "patroni_port": 8888,
                 "nodes": [{"name": "n1", "host_ids": ["h1"], "port": 5432},
                           {"name": "n2", "host_ids": ["h2", "h1"], "port": 5433}]}""");

        assertThat(validator.validate(spec)).extracting(FieldError::message)
                .containsExactly("nodes[1].patroni_port: duplicate ports allocated on host 'h1'");
    }

    @Test
    void exemptsRandomPortsFromDuplicateCheck() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "port": 0, "patroni_port": 0,
                 "nodes": [{"name": "n1", "host_ids": ["h1"]}, {"name": "n2", "host_ids": ["h1"]}]}""");

        assertThat(validator.validate(spec)).isEmpty();
    }

    @Test
    void nodePortOverridesDatabasePortForDuplicateCheck() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "port": 5432,
                 "nodes": [{"name": "n1", "host_ids": ["h1"]}, {"name": "n2", "host_ids": ["h1"], "port": 5433}]}""");

        assertThat(validator.validate(spec)).isEmpty();
    }

    @Test
    void rejectsEqualPortsWhenNodeOverridesOne() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "port": 5432,
                 "nodes": [{"name": "n1", "host_ids": ["h1"], "patroni_port": 5432}]}""");

        assertThat(validator.validate(spec)).extracting(FieldError::message)
                .containsExactly("nodes[0].port: postgres and patroni ports must not conflict");
    }

    @Test
    void rejectsMoreThanSixteenUsers() {
        StringBuilder users = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            users.append(i == 0 ? "" : ",").append("{\"username\": \"u").append(i).append("\"}");
        }
        DatabaseSpec spec = Fixtures.spec("{\"database_name\": \"db\", \"nodes\": [{\"name\": \"n1\", \"host_ids\":"
                + " [\"h1\"]}], \"database_users\": [" + users + "]}");

        assertThat(validator.validate(spec)).extracting(FieldError::message)
                .containsExactly("database_users: must have at most 16 users");
    }

    @Test
    void rejectsTenNodes() {
        StringBuilder nodes = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            nodes.append(i == 1 ? "" : ",").append("{\"name\": \"n").append(i).append("\", \"host_ids\": [\"h")
                    .append(i).append("\"]}");
        }
        DatabaseSpec spec = Fixtures.spec("{\"database_name\": \"db\", \"nodes\": [" + nodes + "]}");

        assertThat(validator.validate(spec)).extracting(FieldError::message)
                .containsExactly("nodes: must have between 1 and 9 nodes");
    }

    @Test
    void acceptsSpockVersionAndIgnoresIt() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "spock_version": "5", "nodes": [{"name": "n1", "host_ids": ["h1"]}]}""");

        assertThat(validator.validate(spec)).isEmpty();
    }

    @Test
    void acceptsPreloadLibrariesThatIncludePglogical() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"]}],
                 "postgresql_conf": {"shared_preload_libraries": "'pg_stat_statements','pglogical'"}}""");

        assertThat(validator.validate(spec)).isEmpty();
    }

    @Test
    void rejectsPreloadLibrariesThatAreNotAList() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"]}],
                 "postgresql_conf": {"shared_preload_libraries": true}}""");

        assertThat(validator.validate(spec)).extracting(FieldError::message).containsExactly(
                "postgresql_conf[shared_preload_libraries]: shared_preload_libraries must include spock (loaded as"
                        + " pglogical here) or pglogical");
    }

    @Test
    void joinsMessagesOnePerLineLikePgEdge() {
        List<FieldError> errors = List.of(FieldError.invalid(FieldPath.of("port"), "a"),
                FieldError.invalid(FieldPath.of("nodes").index(0).field("host_ids").index(1), "b"));

        assertThat(FieldError.joinMessages(errors)).isEqualTo("port: a\nnodes[0].host_ids[1]: b");
    }
}
