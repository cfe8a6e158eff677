package io.controlplane.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a {@code multipart/form-data} body (RFC 7578), read from bytes the caller keeps, so that
 * the engine's REST API can read the same body again after {@link EngineRestGuard} looked at it.
 */
final class MultipartBody {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private MultipartBody() {
    }

    /** File name → content of every part that has a file name; empty for a body that is not multipart. */
    static Map<String, byte[]> files(String contentType, byte[] body) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return files;
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            return files;
        }
        byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int partStart = at + delimiter.length;
            if (partStart + 1 < body.length && body[partStart] == '-' && body[partStart + 1] == '-') {
                break; // the closing delimiter
            }
            partStart = skipLineBreak(body, partStart);
            int next = indexOf(body, delimiter, partStart);
            if (next < 0) {
                break;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), partStart);
            if (headersEnd < 0 || headersEnd > next) {
                at = next;
                continue;
            }
            String headers = new String(body, partStart, headersEnd - partStart, StandardCharsets.UTF_8);
            int contentEnd = next;
            if (contentEnd >= 2 && body[contentEnd - 2] == '\r' && body[contentEnd - 1] == '\n') {
                contentEnd -= 2;
            }
            Matcher name = FILENAME.matcher(headers);
            if (name.find() && !name.group(1).isEmpty()) {
                files.put(name.group(1), Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, contentEnd)));
            }
            at = next;
        }
        return files;
    }

    private static int skipLineBreak(byte[] body, int i) {
        if (i + 1 < body.length && body[i] == '\r' && body[i + 1] == '\n') {
            return i + 2;
        }
        return i;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
