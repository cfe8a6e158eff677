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
