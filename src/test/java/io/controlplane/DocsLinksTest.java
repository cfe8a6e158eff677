package io.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Relative links in docs/*.md and README.md (runbooks link to the BPMN they use) point at files that exist. */
class DocsLinksTest {

    private static final Pattern RELATIVE_LINK = Pattern.compile("\\]\\((?!https?:|#|mailto:)([^)#\\s]+)");

    @Test
    void relativeLinksPointAtExistingFiles() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> documents;
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            documents = new ArrayList<>(docs.filter(p -> p.toString().endsWith(".md")).toList());
        }
        documents.add(Path.of("README.md"));
        for (Path doc : documents) {
            Matcher m = RELATIVE_LINK.matcher(Files.readString(doc));
            while (m.find()) {
                Path target = doc.getParent() == null ? Path.of(m.group(1)) : doc.getParent().resolve(m.group(1));
                if (!Files.exists(target)) {
                    broken.add(doc + " -> " + m.group(1));
                }
            }
        }
        assertThat(documents).hasSizeGreaterThan(5);
        assertThat(broken).isEmpty();
    }
}
