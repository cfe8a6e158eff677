package io.controlplane.database.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Where in a JSON document an error is, printed the way pgEdge prints it:
 * {@code nodes[0].host_ids[1]}, {@code postgresql_conf[hba_file]}.
 */
public record FieldPath(List<String> segments) {

    public static final FieldPath ROOT = new FieldPath(List.of());

    public FieldPath {
        segments = List.copyOf(segments);
    }

    public static FieldPath of(String field) {
        return ROOT.field(field);
    }

    public FieldPath field(String name) {
        return append(name);
    }

    public FieldPath index(int i) {
        return append("[" + i + "]");
    }

    public FieldPath key(String key) {
        return append("[" + key + "]");
    }

    /** True when this path is {@code prefix} or lies inside it. */
    public boolean startsWith(FieldPath prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    private FieldPath append(String segment) {
        List<String> copy = new ArrayList<>(segments);
        copy.add(segment);
        return new FieldPath(copy);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            if (!sb.isEmpty() && !s.startsWith("[")) {
                sb.append('.');
            }
            sb.append(s);
        }
        return sb.toString();
    }
}
