package io.controlplane.database.spec;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpecRedactorTest {

    @Test
    void removesPasswordsAndRepositoryKeysEverywhere() {
        CreateDatabaseRequest request = Fixtures.parseCreate(Fixtures.resource("valid-full-spec.json"));
        DatabaseSpec withRestore = Fixtures.spec("""
                {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"],
                  "restore_config": {"source_database_id": "s", "source_node_name": "n1", "source_database_name": "d",
                    "repository": {"type": "s3", "s3_bucket": "bkt", "s3_key": "K", "s3_key_secret": "S"}}}]}""");

        String full = new SpecJsonWriter().write(new SpecRedactor().redact(request.spec())).toString();
        String node = new SpecJsonWriter().write(new SpecRedactor().redact(withRestore)).toString();

        for (String secret : new String[] {"password", "s3_key", "s3_key_secret", "gcs_key", "azure_key"}) {
            assertThat(full).doesNotContain("\"" + secret + "\"");
            assertThat(node).doesNotContain("\"" + secret + "\"");
        }
    }

    @Test
    void removesSecurePgBackRestOptionsAndKeepsTheOthers() {
        DatabaseSpec spec = Fixtures.spec("""
                {"database_name": "db", "nodes": [{"name": "n1", "host_ids": ["h1"]}],
                  "backup_config": {"repositories": [{"type": "posix", "base_path": "/b", "custom_options":
                    {"cipher-type": "aes-256-cbc", "cipher-pass": "cipher-secret", "s3-token": "tok-secret"}}]}}""");

        DatabaseSpec redacted = new SpecRedactor().redact(spec);

        assertThat(redacted.backupConfig().orElseThrow().repositories().get(0).customOptions())
                .containsExactly(java.util.Map.entry("cipher-type", "aes-256-cbc"));
        assertThat(new SpecJsonWriter().write(redacted).toString()).doesNotContain("cipher-secret", "tok-secret");
        // and an update that sends the redacted spec back keeps them
        assertThat(new SpecUpdateRules().withOmittedSecretsFrom(redacted, spec)).isEqualTo(spec);
    }

    @Test
    void keepsEverythingElse() {
        JsonNode body = Fixtures.resource("valid-full-spec.json");
        DatabaseSpec spec = Fixtures.parseCreate(body).spec();

        DatabaseSpec redacted = new SpecRedactor().redact(spec);

        assertThat(redacted.nodes()).isEqualTo(spec.nodes());
        assertThat(redacted.postgresqlConf()).isEqualTo(spec.postgresqlConf());
        assertThat(redacted.backupConfig().orElseThrow().repositories().get(0).s3Bucket()).contains("storefront-backups");
    }

    @Test
    void toStringDoesNotLeakSecrets() {
        DatabaseSpec spec = Fixtures.parseCreate(Fixtures.resource("valid-full-spec.json")).spec();

        assertThat(spec.toString()).doesNotContain("s3cret", "secret-key", "AKIAEXAMPLE", "azkey");
    }
}
