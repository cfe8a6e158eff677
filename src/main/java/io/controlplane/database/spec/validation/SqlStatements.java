package io.controlplane.database.spec.validation;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a script entry is exactly one SQL statement, so each entry runs and is reported on
 * its own. A lexer, not a parser: it knows quotes, E'' escapes, dollar quotes, nested comments and
 * {@code BEGIN ATOMIC ... END} bodies, so a {@code ;} inside them does not end the statement. One
 * trailing {@code ;} is allowed.
 *
 * <p>pgEdge parses every statement with Postgres' own parser; no strict Postgres parser is published on
 * Maven Central, so this refuses only what Postgres' grammar surely refuses: a statement must start with
 * one of the grammar's command keywords (Postgres 15's {@code stmt} rule, the first words of the SQL
 * command reference) or with {@code (}. Everything else Postgres reports when the script runs, and the
 * failure names the statement and Postgres' error.
 */
final class SqlStatements {

    static final String EMPTY = "must contain a SQL statement";
    static final String MULTIPLE = "must contain a single SQL statement";
    static final String NOT_A_COMMAND = "is not a SQL statement: it must start with a SQL command such as SELECT,"
            + " CREATE or DO";
    /** The first words of every Postgres 15 SQL command (ANALYSE is the grammar's other spelling of ANALYZE). */
    static final Set<String> COMMANDS = Set.of("ABORT", "ALTER", "ANALYSE", "ANALYZE", "BEGIN", "CALL",
            "CHECKPOINT", "CLOSE", "CLUSTER", "COMMENT", "COMMIT", "COPY", "CREATE", "DEALLOCATE", "DECLARE",
            "DELETE", "DISCARD", "DO", "DROP", "END", "EXECUTE", "EXPLAIN", "FETCH", "GRANT", "IMPORT", "INSERT",
            "LISTEN", "LOAD", "LOCK", "MERGE", "MOVE", "NOTIFY", "PREPARE", "REASSIGN", "REFRESH", "REINDEX",
            "RELEASE", "RESET", "REVOKE", "ROLLBACK", "SAVEPOINT", "SECURITY", "SELECT", "SET", "SHOW", "START",
            "TABLE", "TRUNCATE", "UNLISTEN", "UPDATE", "VACUUM", "VALUES", "WITH");
    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$(?:[A-Za-z_\\u0080-\\uFFFF][A-Za-z0-9_\\u0080-\\uFFFF]*)?\\$");

    private SqlStatements() {
    }

    static Optional<String> problem(String sql) {
        int statements = 0;
        boolean inStatement = false;
        int atomicDepth = 0;
        String previousWord = "";
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = skipBlockComment(sql, i);
                if (end < 0) {
                    return Optional.of("unterminated /* comment");
                }
                i = end;
                continue;
            }
            if (c == ';' && atomicDepth == 0) {
                inStatement = false;
                previousWord = "";
                i++;
                continue;
            }
            // Anything else is part of a statement.
            if (!inStatement) {
                if (statements == 1) {
                    return Optional.of(MULTIPLE);
                }
                if (c != '(' && !COMMANDS.contains(word(sql, i))) {
                    return Optional.of(NOT_A_COMMAND + " (it starts with " + quotedStart(sql, i) + ")");
                }
                statements++;
                inStatement = true;
            }
            if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isIdentChar(sql.charAt(i - 2)));
                int end = skipQuoted(sql, i, '\'', escapes);
                if (end < 0) {
                    return Optional.of("unterminated quoted string");
                }
                i = end;
                previousWord = "";
                continue;
            }
            if (c == '"') {
                int end = skipQuoted(sql, i, '"', false);
                if (end < 0) {
                    return Optional.of("unterminated quoted identifier");
                }
                i = end;
                previousWord = "";
                continue;
            }
            if (c == '$' && (i == 0 || !isIdentChar(sql.charAt(i - 1)))) {
                Matcher m = DOLLAR_TAG.matcher(sql).region(i, n);
                if (m.lookingAt()) {
                    String tag = m.group();
                    int close = sql.indexOf(tag, m.end());
                    if (close < 0) {
                        return Optional.of("unterminated dollar-quoted string");
                    }
                    i = close + tag.length();
                    previousWord = "";
                    continue;
                }
            }
            if (isIdentStart(c)) {
                int start = i;
                while (i < n && isIdentChar(sql.charAt(i))) {
                    i++;
                }
                String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
                if (word.equals("ATOMIC") && previousWord.equals("BEGIN")) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && word.equals("CASE")) {
                    atomicDepth++;
                } else if (atomicDepth > 0 && word.equals("END")) {
                    atomicDepth--;
                }
                previousWord = word;
                continue;
            }
            previousWord = "";
            i++;
        }
        return statements == 0 ? Optional.of(EMPTY) : Optional.empty();
    }

    /** The identifier-like word at {@code start}, upper-cased; empty when none starts there. */
    private static String word(String sql, int start) {
        if (!isIdentStart(sql.charAt(start))) {
            return "";
        }
        int end = start;
        while (end < sql.length() && isIdentChar(sql.charAt(end))) {
            end++;
        }
        return sql.substring(start, end).toUpperCase(Locale.ROOT);
    }

    private static String quotedStart(String sql, int start) {
        int end = start;
        while (end < sql.length() && end - start < 20 && !Character.isWhitespace(sql.charAt(end))) {
            end++;
        }
        return "\"" + sql.substring(start, end) + "\"";
    }

    /** Index after the closing quote, or -1. A doubled quote is an escaped quote. */
    private static int skipQuoted(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    /** Postgres block comments nest. Index after the comment, or -1. */
    private static int skipBlockComment(String sql, int open) {
        int depth = 0;
        int i = open;
        while (i < sql.length() - 1) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    private static boolean isIdentChar(char c) {
        return isIdentStart(c) || Character.isDigit(c) || c == '$';
    }
}
