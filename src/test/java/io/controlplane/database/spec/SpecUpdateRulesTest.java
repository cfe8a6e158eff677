package io.controlplane.database.spec;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SpecUpdateRulesTest {

    private final SpecUpdateRules rules = new SpecUpdateRules();

    private static final String OLD = """
            {"database_name": "app", "postgres_version": "15.7",
             "nodes": [{"name": "n1", "host_ids": ["h1"]}, {"name": "n2", "host_ids": ["h2"], "postgres_version": "15.6"}],
             "database_users": [{"username": "admin", "password": "old-pw"}, {"username": "gone", "password": "x"}],
             "backup_config": {"repositories": [
               {"id": "main", "type": "s3", "s3_bucket": "bkt", "s3_region": "eu", "s3_key": "K", "s3_key_secret": "S"},
               {"type": "azure", "azure_account": "acct", "azure_container": "c", "azure_key": "AZ"}]},
             "restore_config": {"source_database_id": "src", "source_node_name": "n1", "source_database_name": "app",
               "repository": {"type": "gcs", "gcs_bucket": "g-bkt", "gcs_key": "GK"}}}""";

    @Test
    void rejectsDatabaseNameChange() {
        DatabaseSpec next = Fixtures.spec(OLD.replace("\"database_name\": \"app\"", "\"database_name\": \"other\""));

        assertThat(rules.check(Optional.empty(), Fixtures.spec(OLD), Optional.empty(), next))
                .extracting(FieldError::message).containsExactly("database_name: database name cannot be changed");
    }

    @Test
    void rejectsTenantChange() {
        assertThat(rules.check(Optional.of("acme"), Fixtures.spec(OLD), Optional.of("other"), Fixtures.spec(OLD)))
                .extracting(FieldError::message).containsExactly("tenant_id: tenant ID cannot be changed");
    }

    @Test
    void treatsOmittedTenantAsUnchanged() {
        assertThat(rules.check(Optional.of("acme"), Fixtures.spec(OLD), Optional.empty(), Fixtures.spec(OLD)))
                .isEmpty();
    }

    @Test
    void rejectsPostgresMajorVersionChange() {
        DatabaseSpec next = Fixtures.spec(OLD.replace("\"15.7\"", "\"16.2\""));

        assertThat(rules.check(Optional.empty(), Fixtures.spec(OLD), Optional.empty(), next))
                .extracting(FieldError::message).containsExactly("postgres_version: major version changed from 15 to 16");
    }

    @Test
    void rejectsMajorVersionChangeOfANode() {
        DatabaseSpec next = Fixtures.spec(OLD.replace("\"15.6\"", "\"17.1\""));

        assertThat(rules.check(Optional.empty(), Fixtures.spec(OLD), Optional.empty(), next))
                .extracting(FieldError::message)
                .containsExactly("nodes[1].postgres_version: major version changed from 15 to 17");
    }

    @Test
    void acceptsMinorVersionChange() {
        DatabaseSpec next = Fixtures.spec(OLD.replace("\"15.7\"", "\"15.9\""));

        assertThat(rules.check(Optional.empty(), Fixtures.spec(OLD), Optional.empty(), next)).isEmpty();
    }

    @Test
    void rejectsNewNodeSourcedFromAnotherNewNode() {
        DatabaseSpec next = Fixtures.spec(OLD.replace("{\"name\": \"n1\", \"host_ids\": [\"h1\"]}",
                "{\"name\": \"n1\", \"host_ids\": [\"h1\"]}, {\"name\": \"n3\", \"host_ids\": [\"h3\"]},"
                        + " {\"name\": \"n4\", \"host_ids\": [\"h4\"], \"source_node\": \"n3\"}"));

        assertThat(rules.check(Optional.empty(), Fixtures.spec(OLD), Optional.empty(), next))
                .extracting(FieldError::message)
                .containsExactly("nodes[2].source_node: source node must refer to an existing node");
    }

    @Test
    void acceptsNewNodeSourcedFromExistingNode() {
        DatabaseSpec next = Fixtures.spec(OLD.replace("{\"name\": \"n1\", \"host_ids\": [\"h1\"]}",
                "{\"name\": \"n1\", \"host_ids\": [\"h1\"]}, {\"name\": \"n3\", \"host_ids\": [\"h3\"], \"source_node\": \"n1\"}"));

        assertThat(rules.check(Optional.empty(), Fixtures.spec(OLD), Optional.empty(), next)).isEmpty();
    }

    @Test
    void keepsOmittedPasswordsAndRepositoryKeys() {
        DatabaseSpec old = Fixtures.spec(OLD);
        DatabaseSpec redacted = new SpecRedactor().redact(old);

        DatabaseSpec merged = rules.withOmittedSecretsFrom(redacted, old);

        assertThat(merged).isEqualTo(old);
    }

    @Test
    void keepsNewlyGivenSecrets() {
        DatabaseSpec old = Fixtures.spec(OLD);
        DatabaseSpec next = Fixtures.spec(OLD.replace("old-pw", "new-pw").replace("\"K\"", "\"K2\""));

        DatabaseSpec merged = rules.withOmittedSecretsFrom(next, old);

        assertThat(merged.databaseUsers().get(0).password()).contains("new-pw");
        assertThat(merged.backupConfig().orElseThrow().repositories().get(0).s3Key()).contains("K2");
    }

    @Test
    void doesNotCarryKeysToADifferentRepository() {
        DatabaseSpec old = Fixtures.spec(OLD);
        DatabaseSpec next = new SpecRedactor().redact(Fixtures.spec(OLD.replace("\"bkt\"", "\"other-bkt\"")));

        DatabaseSpec merged = rules.withOmittedSecretsFrom(next, old);

        BackupRepositorySpec s3 = merged.backupConfig().orElseThrow().repositories().get(0);
        assertThat(s3.s3Key()).isEmpty();
        assertThat(s3.s3KeySecret()).isEmpty();
        assertThat(merged.backupConfig().orElseThrow().repositories().get(1).azureKey()).contains("AZ");
    }

    @Test
    void keepsOmittedVersions() {
        DatabaseSpec old = Fixtures.spec(OLD);
        DatabaseSpec next = Fixtures.spec(OLD.replace("\"postgres_version\": \"15.7\",", "")
                .replace(", \"postgres_version\": \"15.6\"", ""));

        DatabaseSpec merged = rules.withOmittedValuesFrom(next, old);

        assertThat(merged.postgresVersion()).contains("15.7");
        assertThat(merged.nodes().get(1).postgresVersion()).contains("15.6");
    }
}
